// Properties of the compose Redis and bot (docker-compose.yml) and of the Dockerfile that no
// container engine is needed to check. No sound Dockerfile linter is installable here: hadolint is not on
// npm or apt and PyPI is unreachable; npm's `dockerfilelint` 1.8.0, tried on this Dockerfile, reports
// false positives (it does not resolve an ARG in FROM, and rejects the valid exec-form HEALTHCHECK).
// So the rules a linter would enforce for this image are asserted directly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

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
