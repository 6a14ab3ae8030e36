// What the bench runs against: real Redis (a private redis-server, or REDIS_URL), the local Slack Web
// API server (test/support/fake-slack.ts) and, for the cluster figures, the kwok control plane brought
// up as the e2e suite does (test/cluster, binaries from test/cluster/build.sh). Everything started here
// is stopped by close().
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, stopCluster, type ClusterInfo } from '../../test/cluster/cluster.ts';
import { startFakeSlack, type FakeSlack } from '../../test/support/fake-slack.ts';
import { startRedis, type TestRedis } from '../../test/support/redis.ts';

export const SIGNING_SECRET = 'bench-signing-secret-not-real';
export const BOT_TOKEN = 'xoxb-test-bench';
export const ALERT_TOKEN = 'bench-alertmanager-token-not-real';

/** A kubeconfig for roles that only need one to start (no cluster figures): nothing listens there. */
function placeholderKubeconfig(): string {
  const file = join(tmpdir(), `crashloop-bench-kubeconfig-${process.pid}`);
  writeFileSync(file, 'apiVersion: v1\nkind: Config\nclusters: [{name: none, cluster: {server: "http://127.0.0.1:9"}}]\ncontexts: [{name: none, context: {cluster: none, user: none}}]\nusers: [{name: none, user: {token: not-a-real-token}}]\ncurrent-context: none\n');
  return file;
}

export interface BenchEnv {
  redis: TestRedis;
  slack: FakeSlack;
  cluster: ClusterInfo | undefined;
  kubeconfig: string;
  /** The environment of a `crashloop serve` (or CLI) child: only what it needs, plus `extra`. */
  serveEnv(extra?: NodeJS.ProcessEnv, slack?: FakeSlack): NodeJS.ProcessEnv;
  /** A fake Slack answering after `latencyMs`; closed with the rest. */
  slowSlack(latencyMs: number): Promise<FakeSlack>;
  close(): Promise<void>;
}

let prefixes = 0;

export async function startBenchEnv(opts: { cluster: boolean; log: (line: string) => void }): Promise<BenchEnv> {
  const closers: (() => Promise<unknown>)[] = [];
  try {
    const redis = await startRedis();
    closers.push(() => redis.stop());
    const slack = await startFakeSlack();
    closers.push(() => slack.close());
    let cluster: ClusterInfo | undefined;
    if (opts.cluster) {
      const t0 = Date.now();
      const c = await startCluster();
      cluster = c;
      closers.push(() => stopCluster(c));
      opts.log(`cluster ${c.name} up in ${Date.now() - t0} ms`);
    }
    const kubeconfig = cluster?.kubeconfig ?? placeholderKubeconfig();
    return {
      redis,
      slack,
      cluster,
      kubeconfig,
      serveEnv: (extra = {}, via = slack) => ({
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TMPDIR: process.env.TMPDIR,
        KUBECONFIG: kubeconfig,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: via.apiUrl,
        REDIS_URL: redis.url,
        CLUSTER_NAME: 'bench',
        // A fresh prefix per process: queues and incidents of one measurement never meet another's.
        CRASHLOOP_REDIS_PREFIX: `bench${process.pid}x${(prefixes += 1)}`,
        // BENCH_NODE_OPTIONS reaches every served bot and CLI run, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
        ...(process.env.BENCH_NODE_OPTIONS === undefined ? {} : { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS }),
        ...extra,
      }),
      slowSlack: async (latencyMs) => {
        const s = await startFakeSlack({ latencyMs });
        closers.push(() => s.close());
        return s;
      },
      close: async () => {
        for (const c of closers.reverse()) await c().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    throw error;
  }
}
