// A real Redis Cluster on loopback for the fault tests: N masters with one replica each
// (`redis-server --cluster-enabled yes`, joined by `redis-cli --cluster create`), in a temp dir.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './redis.ts';

const run = promisify(execFile);

export interface RedisClusterNode {
  port: number;
  child: ChildProcess;
}

export interface TestRedisCluster {
  nodes: RedisClusterNode[];
  /** `127.0.0.1:p1,127.0.0.1:p2,…` for REDIS_CLUSTER_NODES. */
  seeds: string;
  cli(port: number, ...args: string[]): Promise<string>;
  /** The port of the master serving `slot`, and of one of its replicas. */
  ownerOf(slot: number): Promise<{ master: number; replica: number | undefined }>;
  /** Resolves once every node says cluster_state:ok and agrees on the masters. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

function waitReady(child: ChildProcess): Promise<boolean> {
  return new Promise((resolve) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve(true);
    });
    child.once('exit', () => resolve(false));
  });
}

async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Redis Cluster: ${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startRedisCluster(masters = 3, replicasPerMaster = 1): Promise<TestRedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'crashloop-redis-cluster-'));
  const nodes: RedisClusterNode[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(
      nodes.map(
        (n) =>
          new Promise<void>((resolve) => {
            if (n.child.exitCode !== null || n.child.signalCode !== null) return resolve();
            n.child.once('exit', () => resolve());
            n.child.kill('SIGKILL');
          }),
      ),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters * (1 + replicasPerMaster); i += 1) {
      const port = await freePort();
      const child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000', '--save', '', '--appendonly', 'no'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      nodes.push({ port, child });
      if (!(await waitReady(child))) throw new Error(`redis-server --cluster-enabled on port ${port} did not start`);
    }
    const cli = async (port: number, ...args: string[]): Promise<string> => (await run('redis-cli', ['-p', String(port), ...args])).stdout;
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', String(replicasPerMaster), '--cluster-yes']);
    const cluster: TestRedisCluster = {
      nodes,
      seeds: nodes.map((n) => `127.0.0.1:${n.port}`).join(','),
      cli,
      async ownerOf(slot) {
        // CLUSTER NODES: id addr flags master-id ping pong epoch state slots...
        const lines = (await cli(nodes[0]?.port ?? 0, 'cluster', 'nodes')).trim().split('\n').map((l) => l.split(' '));
        const port = (addr: string | undefined): number => Number(/:(\d+)@/.exec(addr ?? '')?.[1]);
        const master = lines.find((f) => f[2]?.includes('master') === true && !f[2].includes('fail') && f.slice(8).some((r) => {
          const [a, b] = r.split('-').map(Number);
          return a !== undefined && slot >= a && slot <= (b ?? a);
        }));
        if (master === undefined) throw new Error(`no master serves slot ${slot}`);
        const replica = lines.find((f) => f[3] === master[0] && f[2]?.includes('slave') === true && !f[2].includes('fail'));
        return { master: port(master[1]), replica: replica === undefined ? undefined : port(replica[1]) };
      },
      async waitHealthy(timeoutMs = 30_000) {
        await poll('cluster_state:ok on every node', timeoutMs, async () => {
          const alive = nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null);
          const infos = await Promise.all(alive.map((n) => cli(n.port, 'cluster', 'info')));
          return infos.every((i) => i.includes('cluster_state:ok')) ? true : undefined;
        });
      },
      stop,
    };
    await cluster.waitHealthy();
    return cluster;
  } catch (error) {
    await stop();
    throw error;
  }
}
