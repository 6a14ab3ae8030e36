// Runs the real Alertmanager binary on loopback for the end-to-end webhook test: gossip disabled,
// storage in a temp dir, a webhook receiver pointing at the bot with bearer credentials from a file.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../support/redis.ts';

const run = promisify(execFile);

/** ALERTMANAGER_BIN, else the binary test/cluster/build.sh builds (and caches) for the pinned version. */
export async function alertmanagerBinary(): Promise<string> {
  const fromEnv = process.env.ALERTMANAGER_BIN;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const script = resolve(import.meta.dirname, '../cluster/build.sh');
  if (!existsSync(script)) throw new Error(`Cannot build Alertmanager: ${script} is missing. Set ALERTMANAGER_BIN to an alertmanager binary.`);
  const { stdout } = await run('bash', [script, 'alertmanager'], { maxBuffer: 16 * 1024 * 1024, timeout: 280_000 });
  const dir = stdout.trim().split('\n').at(-1) ?? '';
  const bin = join(dir, 'alertmanager');
  if (!existsSync(bin)) throw new Error(`test/cluster/build.sh alertmanager printed "${dir}", which holds no alertmanager binary`);
  return bin;
}

export interface RealAlertmanager {
  url: string;
  /** POST /api/v2/alerts, as Prometheus does. */
  postAlerts(alerts: { labels: Record<string, string>; annotations?: Record<string, string>; startsAt?: string; endsAt?: string; generatorURL?: string }[]): Promise<void>;
  /** Sum of a counter over the series whose labels contain every `match` pair. */
  metric(name: string, match?: Record<string, string>): Promise<number>;
  logs(): string;
  stop(): Promise<void>;
}

export async function startAlertmanager(options: { webhookUrl: string; token: string; groupBy?: string[] }): Promise<RealAlertmanager> {
  const bin = await alertmanagerBinary();
  const dir = await mkdtemp(join(tmpdir(), 'crashloop-am-'));
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, options.token, { mode: 0o600 });
  const config = [
    'route:',
    '  receiver: crashloop-bot',
    `  group_by: [${(options.groupBy ?? ['namespace', 'alertname']).map((l) => `'${l}'`).join(', ')}]`,
    '  group_wait: 1s',
    '  group_interval: 1s',
    '  repeat_interval: 1h',
    'receivers:',
    '  - name: crashloop-bot',
    '    webhook_configs:',
    `      - url: '${options.webhookUrl}'`,
    '        send_resolved: true',
    '        http_config:',
    '          authorization:',
    '            type: Bearer',
    `            credentials_file: '${tokenFile}'`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'alertmanager.yml'), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(bin, [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    '--log.level=debug',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      });
    }
    await rm(dir, { recursive: true, force: true });
  };

  for (let attempt = 0; ; attempt += 1) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`alertmanager exited with ${child.exitCode}:\n${output}`);
    }
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (attempt > 150) {
      await stop();
      throw new Error(`alertmanager did not become ready on ${url}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    async postAlerts(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!res.ok) throw new Error(`alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    async metric(name, match = {}) {
      const text = await (await fetch(`${url}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
        if (!Object.entries(match).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
        sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return sum;
    },
    logs: () => output,
    stop,
  };
}

/** Polls until `check` returns a value (not undefined/false); rejects with `what` after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
