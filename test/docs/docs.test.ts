// The docs must match the code: every environment variable the code reads is in docs/install.md,
// every relative link and every repository path quoted in README.md and docs/*.md exists, and every
// `crashloop` subcommand, option and exit code of the real `crashloop --help` is in docs/cli.md.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) walk(path, out);
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Environment variable names read in a source file: `env.X`, `env?.X`, `env['X']`, and the keys of config.ts's schema. */
function envReads(source: string, isConfig: boolean): Set<string> {
  const names = new Set<string>();
  for (const m of source.matchAll(/\benv\??\.([A-Z][A-Z0-9_]+)\b/g)) names.add(m[1] ?? '');
  for (const m of source.matchAll(/\benv\[\s*['"]([A-Z][A-Z0-9_]+)['"]\s*\]/g)) names.add(m[1] ?? '');
  if (isConfig) {
    const schema = /const envSchema = z\.object\(\{([\s\S]*?)\n\}\);/.exec(source)?.[1] ?? '';
    for (const m of schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)) names.add(m[1] ?? '');
  }
  names.delete('');
  return names;
}

/** GitHub's anchors for a markdown file's headings: lower case, punctuation dropped, spaces as dashes. */
function headingSlugs(markdown: string): string[] {
  return [...prose(markdown).matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
    (m[1] ?? '').trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'),
  );
}

/** Fenced code blocks removed, so links and paths are read from prose and tables only. */
const prose = (markdown: string): string => markdown.replace(/^```[\s\S]*?^```/gm, '');

const MARKDOWN = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

describe('docs/install.md lists every environment variable the code reads', () => {
  const reads = new Map<string, string>();
  for (const file of walk('src')) {
    for (const name of envReads(read(file), file === join('src', 'config.ts'))) if (!reads.has(name)) reads.set(name, file);
  }
  const install = read('docs/install.md');

  it('finds the variables (the scanner itself works)', () => {
    for (const known of ['SLACK_BOT_TOKEN', 'CRASHLOOP_REDIS_PREFIX', 'ACTIONS_DRY_RUN', 'KUBECONFIG']) expect([...reads.keys()]).toContain(known);
  });

  it.each([...reads].sort())('%s (read in %s)', (name) => {
    expect(install, `add \`${name}\` to docs/install.md`).toContain(`\`${name}\``);
  });
});

describe('docs/configuration.md is generated from the configuration schema', () => {
  it('equals what `npm run docs:config` writes (run it after changing src/config.ts)', async () => {
    const { configMarkdown } = await import('../../src/config-reference.ts');
    expect(read('docs/configuration.md'), 'docs/configuration.md is stale: run `npm run docs:config`').toBe(configMarkdown());
  });

  it('describes every variable of the schema', async () => {
    const { configVariables } = await import('../../src/config.ts');
    const variables = configVariables();
    expect(variables.map((v) => v.name)).toEqual(expect.arrayContaining(['SLACK_BOT_TOKEN', 'REDIS_URL', 'METRICS_PORT', 'LOG_LEVEL']));
    for (const v of variables) expect(v.description.length, `describe ${v.name} in src/config.ts (doc(schema, description, default))`).toBeGreaterThan(10);
  });

  it('covers every environment variable the code reads', async () => {
    const { allVariables } = await import('../../src/config-reference.ts');
    const { serve, other } = allVariables();
    const listed = new Set([...serve, ...other].map((v) => v.name));
    for (const file of walk('src')) {
      for (const name of envReads(read(file), file === join('src', 'config.ts'))) expect(listed, `${name} (read in ${file}) is missing from the configuration reference (src/config-reference.ts)`).toContain(name);
    }
  });

  it('`crashloop help config` prints every variable', () => {
    const help = execFileSync(process.execPath, [join(root, 'bin/crashloop.js'), 'help', 'config'], { encoding: 'utf8', cwd: root });
    for (const name of read('docs/configuration.md').matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)) expect(help).toContain(`  ${name[1] ?? ''}`);
  });
});

describe('links and paths in README.md and docs/*.md', () => {
  const links: [string, string][] = [];
  const paths: [string, string][] = [];
  for (const file of MARKDOWN) {
    const text = prose(read(file));
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1] ?? '';
      if (/^[a-z]+:/i.test(target)) continue;
      links.push([file, target.startsWith('#') ? `${file.split('/').pop() ?? ''}${target}` : target]);
    }
    // `src/x.ts`, `deploy/rbac.yaml`, `test/e2e/` … quoted in backticks: repository paths. A path has an
    // extension or a trailing slash, so kubectl targets such as `deploy/api` are not taken for one.
    for (const m of text.matchAll(/`((?:src|handlers|diagnostics|deploy|docs|examples|test|bench|scripts|bin)\/[A-Za-z0-9_./-]*(?:\.[a-z]+|\/))`/g)) {
      paths.push([file, m[1] ?? '']);
    }
  }

  it('finds links to check', () => {
    expect(links.length).toBeGreaterThan(10);
  });

  it.each(links)('%s links to %s', (file, target) => {
    const path = resolve(root, dirname(file), decodeURIComponent(target.split('#')[0] ?? ''));
    expect(existsSync(path), `${file}: broken link ${target}`).toBe(true);
    const anchor = target.split('#')[1];
    if (anchor !== undefined && path.endsWith('.md')) {
      expect(headingSlugs(readFileSync(path, 'utf8')), `${file}: ${target} names no heading`).toContain(anchor);
    }
  });

  it.each(paths)('%s names %s', (file, path) => {
    expect(existsSync(join(root, path)), `${file}: \`${path}\` does not exist`).toBe(true);
  });
});

describe('docs/cli.md documents `crashloop --help`', () => {
  const help = execFileSync(process.execPath, [join(root, 'bin/crashloop.js'), '--help'], { encoding: 'utf8', cwd: root });
  const cli = read('docs/cli.md');
  const usage = /Usage:\n([\s\S]*?)\n\n/.exec(help)?.[1] ?? '';
  const subcommands = [...new Set([...usage.matchAll(/^\s+crashloop ([a-z][a-z-]*)/gm)].map((m) => m[1] ?? ''))];
  const options = [...new Set([...help.matchAll(/(?:^|\s)(--[a-z][a-z-]*)/gm)].map((m) => m[1] ?? ''))];
  const exitCodes = [...help.matchAll(/^ {2}(\d) {2}(.+)$/gm)].map((m) => Number(m[1]));

  it('reads the subcommands, options and exit codes out of the help', () => {
    expect(subcommands).toEqual(expect.arrayContaining(['diagnose', 'snapshot', 'serve', 'help']));
    expect(options).toEqual(expect.arrayContaining(['--namespace', '--output', '--snapshot']));
    expect(exitCodes.sort()).toEqual(Object.values(EXIT).sort());
  });

  it.each(subcommands)('crashloop %s', (sub) => {
    expect(cli, `docs/cli.md should show \`crashloop ${sub}\``).toMatch(new RegExp(`crashloop ${sub}\\b`));
    expect(cli, `docs/cli.md should have a section for ${sub}`).toMatch(new RegExp(`^#{2,3} .*\`${sub}\``, 'm'));
  });

  it.each(options)('option %s', (option) => {
    expect(cli).toContain(option);
  });

  it('every option of `crashloop serve --help`', () => {
    const serveHelp = execFileSync(process.execPath, [join(root, 'bin/crashloop.js'), 'serve', '--help'], { encoding: 'utf8', cwd: root });
    const serveOptions = [...new Set([...serveHelp.matchAll(/(?:^|\s)(--[a-z][a-z-]*)/gm)].map((m) => m[1] ?? ''))];
    expect(serveOptions).toEqual(expect.arrayContaining(['--role', '--cluster']));
    for (const option of serveOptions) expect(cli, `docs/cli.md should document serve's ${option}`).toContain(option);
    for (const role of /--role ([a-z|]+)/.exec(serveHelp)?.[1]?.split('|') ?? []) expect(cli).toContain(`--role ${role}`);
  });

  it.each(Object.entries(EXIT))('exit code %s = %i', (_name, code) => {
    expect(cli).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
  });
});

describe('the scanner', () => {
  it('reads env.X, env?.X and env["X"], not lower-case or unrelated names', () => {
    const names = envReads("const a = env.FOO_BAR; b = io.env?.BAZ; c = env['QUX_1']; d = env.lower; e = environment.NOPE;", false);
    expect([...names].sort()).toEqual(['BAZ', 'FOO_BAR', 'QUX_1']);
  });
  it('makes GitHub heading anchors', () => {
    expect(headingSlugs('# Top\n## Verify with `kubectl auth can-i`\n### Actions (write access)\n```\n# not a heading\n```\n')).toEqual(['top', 'verify-with-kubectl-auth-can-i', 'actions-write-access']);
  });
  it("reads config.ts's schema keys", () => {
    expect([...envReads('const envSchema = z.object({\n  ONE: optionalText,\n  TWO_2: x,\n});', true)].sort()).toEqual(['ONE', 'TWO_2']);
  });
});

describe('YAML examples in the docs are accepted by the code', () => {
  const blocks = (file: string): string[] => [...read(file).matchAll(/^```yaml\n([\s\S]*?)^```/gm)].map((m) => m[1] ?? '');

  it('every policy example in docs/actions.md parses with parsePolicy', async () => {
    const { parsePolicy } = await import('../../src/auth/policy.ts');
    const policies = blocks('docs/actions.md').filter((b) => /^(rules|defaultRead|kubernetes):/m.test(b));
    expect(policies.length).toBeGreaterThanOrEqual(3);
    for (const yaml of policies) expect(() => parsePolicy(yaml), yaml).not.toThrow();
    const granting = policies.map((yaml) => parsePolicy(yaml)).find((p) => p.rules.some((r) => (r.debug ?? []).length > 0 && (r.write ?? []).length > 0));
    expect(granting, 'docs/actions.md should show a policy that grants debug and write').toBeDefined();
  });

  it('the channel routes example in docs/install.md loads as CRASHLOOP_ROUTES', async () => {
    const { loadConfig, routeChannel } = await import('../../src/config.ts');
    const routes = blocks('docs/install.md').find((b) => /^routes:/m.test(b));
    expect(routes).toBeDefined();
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-test-docs', SLACK_SIGNING_SECRET: 's3cr3t-test', CRASHLOOP_ROUTES: routes, ALERT_CHANNEL: 'C0FALLBACK' });
    expect(config.routes.length).toBeGreaterThan(0);
    expect(routeChannel(config, { namespace: 'nowhere-in-the-docs' })).toBe('C0FALLBACK');
  });
});
