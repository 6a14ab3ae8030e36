// Properties of the shipped Redis (deploy/bot.yaml, docker-compose.yml) and of the Dockerfile that no
// container engine is needed to check. No sound Dockerfile linter is installable here: hadolint is not on
// npm or apt and PyPI is unreachable; npm's `dockerfilelint` 1.8.0, tried on this Dockerfile, reports
// false positives (it does not resolve an ARG in FROM, and rejects the valid exec-form HEALTHCHECK).
// So the rules a linter would enforce for this image are asserted directly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

interface EnvVar { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }
interface Container { name: string; args?: string[]; env?: EnvVar[]; securityContext?: Record<string, unknown> }
interface Doc {
  kind: string;
  metadata: { name: string };
  spec: {
    podSelector?: { matchLabels: Record<string, string> };
    ingress?: { from: { podSelector: { matchLabels: Record<string, string> } }[]; ports: { port: number }[] }[];
    template?: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } };
    volumeClaimTemplates?: unknown[];
  };
}
const manifests = parseAllDocuments(read('deploy/bot.yaml')).map((d) => d.toJS() as Doc);
const find = (kind: string, name: string): Doc => {
  const doc = manifests.find((d) => d.kind === kind && d.metadata.name === name);
  if (doc === undefined) throw new Error(`deploy/bot.yaml has no ${kind} ${name}`);
  return doc;
};
const container = (doc: Doc): Container => {
  const c = doc.spec.template?.spec.containers[0];
  if (c === undefined) throw new Error(`${doc.metadata.name} has no container`);
  return c;
};
/** `--flag value` pairs of a redis-server command line. */
const flags = (args: string[]): Record<string, string> => Object.fromEntries(args.flatMap((a, i) => (a.startsWith('--') ? [[a.slice(2), args[i + 1] ?? '']] : [])));

describe('deploy/bot.yaml Redis', () => {
  const redis = find('StatefulSet', 'crashloop-redis');

  it('requires a password from a Secret (by reference), keeps an AOF on a volume, never evicts', () => {
    const c = container(redis);
    expect(flags(c.args ?? [])).toEqual({ appendonly: 'yes', maxmemory: '200mb', 'maxmemory-policy': 'noeviction', requirepass: '$(REDIS_PASSWORD)' });
    expect(c.env?.find((e) => e.name === 'REDIS_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: 'crashloop-redis', key: 'redis-password' });
    expect(redis.spec.volumeClaimTemplates).toHaveLength(1);
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
  });

  it('is reachable only from the bot pods (NetworkPolicy)', () => {
    const policy = find('NetworkPolicy', 'crashloop-redis');
    expect(policy.spec.podSelector?.matchLabels).toEqual(redis.spec.template?.metadata.labels);
    const bot = find('Deployment', 'crashloop-bot');
    expect(policy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: bot.spec.template?.metadata.labels } }], ports: [{ protocol: 'TCP', port: 6379 }] }]);
  });

  it("gives the bot the password by reference inside REDIS_URL, and no literal secret anywhere", () => {
    const env = container(find('Deployment', 'crashloop-bot')).env ?? [];
    const names = env.map((e) => e.name);
    expect(names.indexOf('REDIS_PASSWORD')).toBeLessThan(names.indexOf('REDIS_URL'));
    expect(env.find((e) => e.name === 'REDIS_URL')?.value).toBe('redis://:$(REDIS_PASSWORD)@crashloop-redis:6379');
    for (const e of env) if (/TOKEN|SECRET|PASSWORD/.test(e.name)) expect(e.value, e.name).toBeUndefined();
  });
});

describe('docker-compose.yml', () => {
  interface Service { command?: string[]; environment?: Record<string, string>; volumes?: string[]; read_only?: boolean; cap_drop?: string[]; ports?: string[] }
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service> };

  it('runs Redis with AOF, noeviction and the password from .env', () => {
    const redis = compose.services.redis;
    expect(redis?.command?.join(' ')).toMatch(/redis-server --appendonly yes --maxmemory-policy noeviction --requirepass "\$\$REDIS_PASSWORD"/);
    expect(redis?.environment?.REDIS_PASSWORD).toMatch(/^\$\{REDIS_PASSWORD:\?/);
    expect(redis?.volumes).toEqual(['redis-data:/data']);
  });

  it('runs the bot with the password in REDIS_URL, a read-only kubeconfig and a read-only root', () => {
    const bot = compose.services.bot;
    expect(bot?.environment?.REDIS_URL).toBe('redis://:${REDIS_PASSWORD}@redis:6379');
    expect(bot?.volumes).toEqual(['${KUBECONFIG_FILE:-~/.kube/config}:/kube/config:ro']);
    expect(bot?.read_only).toBe(true);
    expect(bot?.cap_drop).toEqual(['ALL']);
    expect(bot?.ports).toEqual(['127.0.0.1:3000:3000']);
  });

  it('.env.example sets Socket Mode and only variables the bot or compose reads, with placeholder values', () => {
    const entries = read('.env.example').split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split('=', 2) as [string, string]);
    const names = entries.map(([k]) => k);
    expect(names).toContain('SLACK_APP_TOKEN');
    expect(names).not.toContain('SLACK_SIGNING_SECRET');
    const install = read('docs/install.md');
    for (const name of names) expect(name === 'REDIS_PASSWORD' || name === 'KUBECONFIG_FILE' || install.includes(`\`${name}\``), name).toBe(true);
    for (const [name, value] of entries) if (/TOKEN|PASSWORD/.test(name)) expect(value, name).toMatch(/replace/);
  });
});

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const instructions = text.replace(/\\\n/g, ' ').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const stages = instructions.filter((l) => l.startsWith('FROM '));
  const final = instructions.slice(instructions.lastIndexOf(stages.at(-1) ?? ''));

  it('is multi-stage, every stage on the one pinned base (an exact release, not a floating tag)', () => {
    expect(stages).toEqual(['FROM ${NODE_IMAGE} AS build', 'FROM ${NODE_IMAGE} AS deps', 'FROM ${NODE_IMAGE}']);
    expect(instructions[0]).toMatch(/^ARG NODE_IMAGE=node:24\.\d+\.\d+-slim(@sha256:[a-f0-9]{64})?$/);
  });

  it('installs production dependencies only in the image, from the lock file', () => {
    const deps = instructions.slice(instructions.indexOf('FROM ${NODE_IMAGE} AS deps'), instructions.lastIndexOf(stages.at(-1) ?? ''));
    expect(deps.find((l) => l.startsWith('RUN '))).toMatch(/^RUN npm ci --omit=dev /);
    expect(final.filter((l) => l.startsWith('RUN '))).toEqual([]);
    expect(final.filter((l) => l.startsWith('COPY --from='))).toEqual(['COPY --from=deps /app/node_modules ./node_modules', 'COPY --from=build /src/dist ./dist']);
  });

  it('runs as a numeric non-root user, with a HEALTHCHECK on /healthz, and exec-form entrypoint', () => {
    expect(final.filter((l) => l.startsWith('USER '))).toEqual(['USER 1000:1000']);
    expect(final.find((l) => l.startsWith('HEALTHCHECK '))).toMatch(/CMD \["node", "-e", ".*\/healthz/);
    expect(final.find((l) => l.startsWith('ENTRYPOINT '))).toBe('ENTRYPOINT ["node", "bin/crashloop.js"]');
  });

  it('writes only under /tmp at run time (read-only root filesystem): no cache or state elsewhere', () => {
    const env = final.find((l) => l.startsWith('ENV ')) ?? '';
    expect(env).toContain('NODE_COMPILE_CACHE=/tmp/');
    expect(env).toContain('NODE_ENV=production');
    expect(final.some((l) => /^VOLUME /.test(l))).toBe(false);
  });

  it('sends only the sources to the build (.dockerignore allow-list: no .env, kubeconfig or node_modules)', () => {
    const ignore = read('.dockerignore').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const allowed = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    for (const copied of text.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const source of (copied[1] ?? '').split(' ')) expect(allowed, source).toContain(source);
    }
  });
});
