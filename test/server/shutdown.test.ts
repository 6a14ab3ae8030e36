// SIGTERM on the real `crashloop serve` child process in the middle of a job made slow by a held Slack
// call (the job tells the channel its cluster is unreachable, and Slack takes its time answering). No
// kwok here: the cluster is a kubeconfig pointing at a closed port. The test waits on states only.
//   1. /readyz turns 503 while the job drains; the job's attempt runs to its end (handed back to the
//      queue for its retry, as an unreachable cluster's job is); the process exits 0.
//   2. A job that outlives SHUTDOWN_TIMEOUT_SECONDS is given up and left in the queue; exit 0 still.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { startServe, type ServeProcess } from '../support/serve-process.ts';
import { crashLoopAlert, payload } from '../alertmanager/fixtures.ts';
import { diagnosisQueueName } from '../../src/queue/types.ts';

const TOKEN = 'test-alertmanager-token-shutdown';
const CLUSTER = 'unreachable-test';
let redis: TestRedis;
let slack: FakeSlack;
let dir: string;
let kubeconfig: string;
const processes: ServeProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  slack = await startFakeSlack();
  dir = await mkdtemp(join(tmpdir(), 'crashloop-shutdown-'));
  kubeconfig = join(dir, 'kubeconfig');
  const closed = await freePort();
  await writeFile(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: ${CLUSTER}\n  cluster:\n    server: https://127.0.0.1:${closed}\n    insecure-skip-tls-verify: true\nusers:\n- name: bot\n  user:\n    token: fake-test-token\ncontexts:\n- name: ${CLUSTER}\n  context:\n    cluster: ${CLUSTER}\n    user: bot\ncurrent-context: ${CLUSTER}\n`,
  );
});

afterAll(async () => {
  for (const p of processes) await p.kill();
  await slack?.close();
  await redis?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

async function serve(extra: NodeJS.ProcessEnv): Promise<{ bot: ServeProcess; port: number; queue: Queue }> {
  const port = await freePort();
  const prefix = uniqueName('shutdown');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    KUBECONFIG: kubeconfig,
    SLACK_API_URL: slack.apiUrl,
    SLACK_SIGNING_SECRET: 's3cr3t-test-shutdown',
    SLACK_BOT_TOKEN: 'xoxb-test-shutdown',
    REDIS_URL: redis.url,
    PORT: String(port),
    METRICS_PORT: '0',
    CLUSTER_NAME: CLUSTER,
    ALERTMANAGER_TOKEN: TOKEN,
    CRASHLOOP_REDIS_PREFIX: prefix,
    ...extra,
  };
  const bot = await startServe(env, slack);
  processes.push(bot);
  const queue = new Queue(diagnosisQueueName(CLUSTER), { connection: { url: redis.url }, prefix });
  return { bot, port, queue };
}

/** /readyz's answer: the cluster check fails here (unreachable by design); the shutdown check is the one watched. */
async function readyz(port: number): Promise<{ status: number; shuttingDown: boolean } | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    // The public /readyz says only its status; a draining process answers "shutting down".
    const body = (await res.json()) as { status: string };
    return { status: res.status, shuttingDown: body.status === 'shutting down' };
  } catch {
    return undefined;
  }
}

async function alert(port: number, namespace: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(payload([crashLoopAlert({ namespace, fingerprint: uniqueName('fp') })])),
  });
  expect(res.status).toBe(200);
}

const unreachableNote = (channel: string) => (args: Record<string, unknown>) => args.channel === channel && String(args.text).includes('is not reachable right now');

describe('crashloop serve on SIGTERM', () => {
  it('turns /readyz unready, lets the running job end its attempt, hands it back, and exits 0', async () => {
    const { bot, port, queue } = await serve({ ALERT_CHANNEL: 'C0DRAIN', SHUTDOWN_TIMEOUT_SECONDS: '60' });
    try {
      const held = slack.hold('chat.postMessage', unreachableNote('C0DRAIN'));
      await alert(port, 'drain');
      await held.arrived;
      expect((await readyz(port))?.shuttingDown).toBe(false);

      bot.child.kill('SIGTERM');
      await slack.waitFor(() => bot.output().includes('shutting down'), 30_000);
      let ready = await readyz(port);
      while (ready !== undefined && !ready.shuttingDown) ready = await readyz(port);
      // The port stays open while the job drains, answering unready.
      expect(ready).toEqual({ status: 503, shuttingDown: true });
      expect(bot.child.exitCode).toBeNull();

      held.release();
      expect(await bot.exited).toBe(0);
      // The attempt ran to its end (its note reached Slack) and the job waits for its retry.
      expect(slack.callsOf('chat.postMessage').some((c) => unreachableNote('C0DRAIN')(c.args))).toBe(true);
      expect(await queue.getJobCounts('delayed', 'active', 'completed', 'failed')).toEqual({ delayed: 1, active: 0, completed: 0, failed: 0 });
      const [job] = await queue.getJobs(['delayed']);
      expect(job?.attemptsMade).toBe(1);
    } finally {
      await queue.close();
    }
  }, 120_000);

  it('gives up a job that outlives SHUTDOWN_TIMEOUT_SECONDS, leaves it in the queue, and exits 0', async () => {
    const { bot, port, queue } = await serve({ ALERT_CHANNEL: 'C0STUCK', SHUTDOWN_TIMEOUT_SECONDS: '1' });
    const held = slack.hold('chat.postMessage', unreachableNote('C0STUCK'));
    try {
      await alert(port, 'stuck');
      await held.arrived;
      bot.child.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
      expect(bot.output()).toMatch(/shutdown: worker \S+ (cancelled its running jobs|was stopped with jobs running)/);
      // Not lost and not finished: still in the queue, for the next worker once its lock lapses.
      const counts = await queue.getJobCounts('wait', 'delayed', 'active', 'completed', 'failed');
      expect(counts.completed).toBe(0);
      expect(counts.failed).toBe(0);
      expect((counts.wait ?? 0) + (counts.delayed ?? 0) + (counts.active ?? 0)).toBe(1);
    } finally {
      held.release();
      await queue.close();
    }
  }, 120_000);
});
