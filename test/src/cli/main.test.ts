// The CLI in-process: main(argv) with captured stdout/stderr, and once as a real process through bin/.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Readable } from 'node:stream';
import { main, type CliIo } from '../../../src/cli/main.ts';
import { EXIT } from '../../../src/cli/exit-codes.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/oom-killed.json', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[], options: { stdin?: string; tty?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: options.tty ?? false },
    stdin: Readable.from([Buffer.from(options.stdin ?? '')]),
    env: options.env ?? {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('crashloop diagnose --snapshot', () => {
  it('prints the report as JSON: the engine contract', async () => {
    const { code, stdout, stderr } = await cli(['diagnose', '--snapshot', FIXTURE, '--output', 'json']);
    expect(stderr).toBe('');
    expect(code).toBe(EXIT.OK);
    const report = JSON.parse(stdout);
    expect(report.schemaVersion).toBe(1);
    expect(report.pod).toMatchObject({ namespace: 'prod', name: 'api-6b7c8d9f5-x2lqp' });
    expect(report.findings[0]).toMatchObject({ cause: 'oom-killed', container: 'api' });
    expect(report.findings[0].evidence.length).toBeGreaterThan(0);
    expect(typeof report.findings[0].fix.summary).toBe('string');
    expect(stdout).not.toContain('s3cr3t-test');
  });

  it('prints a readable text report without colour when not on a terminal', async () => {
    const { code, stdout } = await cli(['diagnose', '--snapshot', FIXTURE]);
    expect(code).toBe(EXIT.OK);
    expect(stdout).toContain('Pod prod/api-6b7c8d9f5-x2lqp');
    expect(stdout).toMatch(/^oom-killed {2}container api/m);
    expect(stdout).toContain('Evidence');
    expect(stdout).toContain('Fix: ');
    expect(stdout).toContain('Timeline');
    expect(stdout).not.toContain('\u001b[');
  });

  it('colours on a terminal, unless NO_COLOR is set', async () => {
    expect((await cli(['diagnose', '--snapshot', FIXTURE], { tty: true })).stdout).toContain('\u001b[');
    expect((await cli(['diagnose', '--snapshot', FIXTURE], { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b[');
  });

  it('reads the snapshot from stdin with -', async () => {
    const { readFile } = await import('node:fs/promises');
    const { code, stdout } = await cli(['diagnose', '--snapshot', '-', '-o', 'json'], { stdin: await readFile(FIXTURE, 'utf8') });
    expect(code).toBe(EXIT.OK);
    expect(JSON.parse(stdout).findings[0].cause).toBe('oom-killed');
  });

  it('accepts a bare Pod (kubectl get pod -o json) as a snapshot without events and logs', async () => {
    const { readFile } = await import('node:fs/promises');
    const fixture = JSON.parse(await readFile(FIXTURE, 'utf8'));
    const { code, stdout } = await cli(['diagnose', '--snapshot', '-', '-o', 'json'], { stdin: JSON.stringify(fixture.pod) });
    expect(code).toBe(EXIT.OK);
    expect(JSON.parse(stdout).findings[0].cause).toBe('oom-killed');
  });

  it('exits 5 with one line for a missing, non-JSON or non-snapshot file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crashloop-cli-'));
    const notJson = join(dir, 'bad.json');
    const notSnapshot = join(dir, 'list.json');
    await writeFile(notJson, '{"pod": ');
    await writeFile(notSnapshot, JSON.stringify({ kind: 'PodList', items: [] }));
    const badEvents = join(dir, 'events.json');
    await writeFile(badEvents, JSON.stringify({ pod: { metadata: { name: 'a' } }, events: 'none', logs: {} }));
    const cases: [string, RegExp][] = [
      [join(dir, 'missing.json'), /Cannot read snapshot .*missing\.json: no such file/],
      [notJson, /is not valid JSON/],
      [notSnapshot, /is not a crashloop snapshot: "pod" \(the Pod object\) is missing.*crashloop snapshot <pod>/],
      [badEvents, /"events" must be an array/],
    ];
    for (const [file, message] of cases) {
      const { code, stdout, stderr } = await cli(['diagnose', '--snapshot', file]);
      expect(code).toBe(EXIT.BAD_SNAPSHOT);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('crashloop usage', () => {
  it('exits 2 with one line on usage errors', async () => {
    for (const argv of [['diagnose'], ['launch'], ['diagnose', 'x', '--output', 'xml']]) {
      const { code, stderr, stdout } = await cli(argv);
      expect(code).toBe(EXIT.USAGE);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^crashloop: .*crashloop --help/);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('prints help with the exit codes, and the version', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes:[\s\S]*5 {2}invalid snapshot file/);
    const version = await cli(['--version']);
    expect(version.stdout).toMatch(/^crashloop \d+\.\d+\.\d+\n$/);
  });

  it('prints the serve usage for `help serve`', async () => {
    const help = await cli(['help', 'serve']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: crashloop serve \[--role all\|web\|worker\]/);
  });

  it('exits 4 when the cluster is unreachable, naming what to fix', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crashloop-cli-'));
    const kubeconfig = join(dir, 'config');
    const { createServer } = await import('node:net');
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await writeFile(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: { server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true }\nusers:\n- name: u\n  user: { token: s3cr3t-test }\ncontexts:\n- name: dead\n  context: { cluster: c, user: u }\ncurrent-context: dead\n`,
    );
    const { code, stderr } = await cli(['diagnose', 'prod/api', '--kubeconfig', kubeconfig, '--timeout', '5']);
    expect(code).toBe(EXIT.CLUSTER);
    expect(stderr).toMatch(/^crashloop: Cannot reach the API server in cluster "dead" \(ECONNREFUSED\)/);
    const tty = await cli(['diagnose', 'prod/api', '--kubeconfig', kubeconfig, '--timeout', '5'], { tty: true });
    expect(tty.stderr).toMatch(/^resolving prod\/api in dead…\ncrashloop: Cannot reach/);
    const debug = await cli(['diagnose', 'prod/api', '--kubeconfig', kubeconfig, '--debug']);
    expect(debug.stderr).toMatch(/\n\s+at /);
    const ctx = await cli(['diagnose', 'prod/api', '--kubeconfig', kubeconfig, '--context', 'nope']);
    expect(ctx.code).toBe(EXIT.CLUSTER);
    expect(ctx.stderr).toMatch(/Kube context "nope" is not in the kubeconfig/);
  });
});

describe('bin/crashloop.js', () => {
  it('runs as a real process and prints the JSON report', async () => {
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, [join(REPO, 'bin/crashloop.js'), 'diagnose', '--snapshot', FIXTURE, '--output', 'json'], { cwd: REPO });
    expect(JSON.parse(stdout).findings[0].cause).toBe('oom-killed');
  });

  it('exits with the documented code as a real process', async () => {
    const run = promisify(execFile);
    const err = await run(process.execPath, [join(REPO, 'bin/crashloop.js'), 'diagnose', '--snapshot', '/nonexistent.json'], { cwd: REPO }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: EXIT.BAD_SNAPSHOT, stderr: expect.stringMatching(/^crashloop: Cannot read snapshot/) });
  });
});
