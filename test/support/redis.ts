// A private, throwaway Redis for tests: a real `redis-server` on a free random port in a temp dir,
// or the server named by REDIS_URL when set (then only the key prefix isolates tests).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface TestRedis {
  url: string;
  /** A fresh prefix for BullMQ queues and keys, unique to this instance. */
  prefix: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A name no other test uses: queue names, prefixes, channels. */
export function uniqueName(base: string): string {
  return `${base}-${randomBytes(4).toString('hex')}`;
}

/** A private redis-server the test controls: kill it (any signal), restart it on the same port and dir. */
export interface ControlledRedis extends TestRedis {
  port: number;
  /** Sends a signal (SIGKILL: a crash; SIGSTOP/SIGCONT: a hung server) and, for SIGKILL/SIGTERM, waits for the exit. */
  signal(signal: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same port and data dir (with AOF, the data comes back). */
  restart(): Promise<void>;
  /** True while the process runs (stopped-by-SIGSTOP counts as running). */
  running(): boolean;
}

/**
 * A private redis-server that can be killed and restarted on the same port, for fault tests. With
 * `aof` (default true) writes are fsynced on every command (`appendfsync always`), so a SIGKILL loses
 * nothing acknowledged.
 */
export async function startControlledRedis(options: { aof?: boolean; args?: string[] } = {}): Promise<ControlledRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'crashloop-redis-'));
  const persistence = options.aof === false ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', 'always'];
  const spawnAt = (port: number): ChildProcess =>
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...persistence, ...(options.args ?? [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 5 && child === undefined; attempt += 1) {
    port = await freePort();
    const candidate = spawnAt(port);
    if (await waitReady(candidate)) child = candidate;
    else await stopChild(candidate);
  }
  if (child === undefined) {
    await rm(dir, { recursive: true, force: true });
    throw new Error('could not start redis-server on a free port; install redis-server');
  }
  let current: ChildProcess = child;
  const exited = (c: ChildProcess): boolean => c.exitCode !== null || c.signalCode !== null;
  return {
    url: `redis://127.0.0.1:${port}`,
    prefix: uniqueName('test'),
    port,
    running: () => !exited(current),
    async signal(signal) {
      if (exited(current)) return;
      const gone = new Promise<void>((resolve) => current.once('exit', () => resolve()));
      current.kill(signal);
      if (signal === 'SIGKILL' || signal === 'SIGTERM') await gone;
    },
    async restart() {
      if (!exited(current)) throw new Error('redis-server is still running; signal it first');
      // The port was ours a moment ago; another process taking it in between would fail loudly here.
      for (let attempt = 0; attempt < 50; attempt += 1) {
        const next = spawnAt(port);
        if (await waitReady(next)) {
          current = next;
          return;
        }
        await stopChild(next);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`could not restart redis-server on port ${port}`);
    },
    async stop() {
      if (!exited(current)) current.kill('SIGCONT');
      await stopChild(current);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `args` are extra redis-server arguments (e.g. `--requirepass x`); a server with them is always private,
 * whatever REDIS_URL says.
 */
export async function startRedis(options: { args?: string[] } = {}): Promise<TestRedis> {
  const prefix = uniqueName('test');
  const external = process.env.REDIS_URL;
  const args = options.args ?? [];
  if (external !== undefined && external !== '' && args.length === 0) {
    return { url: external, prefix, stop: async () => {} };
  }
  const dir = await mkdtemp(join(tmpdir(), 'crashloop-redis-'));
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ready = await waitReady(child);
    if (ready) {
      return {
        url: `redis://127.0.0.1:${port}`,
        prefix,
        stop: async () => {
          await stopChild(child);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    await stopChild(child);
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error('could not start redis-server on a free port; install redis-server or set REDIS_URL');
}

function waitReady(child: ChildProcess): Promise<boolean> {
  return new Promise((resolve) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) finish(true);
    };
    const finish = (ok: boolean): void => {
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onExit);
      resolve(ok);
    };
    const onExit = (): void => finish(false);
    child.stdout?.on('data', onData);
    child.on('exit', onExit);
    child.on('error', onExit);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
