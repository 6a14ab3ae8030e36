// Shared set-up of the fault suite (npm run test:faults): the real `crashloop serve` process over a
// private redis-server the test may kill and restart (AOF), the local Slack Web API, and the bot's real
// BullMQ worker in child processes (test/support/queue-worker-process.ts) that a test may kill -9.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startControlledRedis, uniqueName, type ControlledRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { startServe, type ServeProcess } from '../support/serve-process.ts';
import { postSigned, slashCommandBody } from '../support/signing.ts';
import { until } from '../support/wait.ts';

export { until } from '../support/wait.ts';

export const SECRET = 's3cr3t-test-faults';
export const ALERT_TOKEN = 'test-alertmanager-token-faults';

export interface WebStack {
  redis: ControlledRedis;
  slack: FakeSlack;
  serve: ServeProcess;
  base: string;
  cluster: string;
  prefix: string;
  /** A signed `/crashloop <text>`; resolves the ack's text (the ephemeral answer). */
  slash(text: string): Promise<{ status: number; responseType: string | undefined; text: string }>;
  /** POSTs an Alertmanager payload with the bearer token. */
  alert(body: unknown): Promise<Response>;
  /** GET /readyz status. */
  ready(): Promise<number>;
  close(): Promise<void>;
}

/** `crashloop serve --role web` (Slack + POST /alertmanager) over a private, AOF-backed redis-server. */
export async function startWebStack(options: { env?: Record<string, string>; redis?: ControlledRedis } = {}): Promise<WebStack> {
  const redis = options.redis ?? (await startControlledRedis());
  const slack = await startFakeSlack();
  const cluster = uniqueName('faults');
  const prefix = uniqueName('faults');
  const serve = await startServe(
    {
      PATH: process.env.PATH,
      SLACK_BOT_TOKEN: 'xoxb-test-faults',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      REDIS_URL: redis.url,
      CRASHLOOP_REDIS_PREFIX: prefix,
      PORT: '0',
      CRASHLOOP_CLUSTERS: cluster,
      ALERTMANAGER_TOKEN: ALERT_TOKEN,
      ALERT_CHANNEL: 'C0ALERTS',
      ...options.env,
    },
    slack,
    ['--role', 'web'],
  );
  const port = /listening on port (\d+)/.exec(serve.output())?.[1] ?? '';
  const base = `http://127.0.0.1:${port}`;
  return {
    redis,
    slack,
    serve,
    base,
    cluster,
    prefix,
    async slash(text) {
      const res = await postSigned(`${base}/slack/events`, SECRET, slashCommandBody({ text, responseUrl: slack.responseUrl(uniqueName('r')) }));
      const body = res.status === 200 ? ((await res.json()) as { response_type?: string; text?: string }) : {};
      return { status: res.status, responseType: body.response_type, text: body.text ?? '' };
    },
    alert: (body) => fetch(`${base}/alertmanager`, { method: 'POST', headers: { authorization: `Bearer ${ALERT_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    ready: async () => (await fetch(`${base}/readyz`)).status,
    async close() {
      await serve.kill();
      await slack.close();
      await redis.stop();
    },
  };
}

const WORKER = fileURLToPath(new URL('../support/queue-worker-process.ts', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  lines: string[];
  /** Ids this worker started / completed, in order. */
  started(): string[];
  completed(): string[];
  /** Job id -> target text, as this worker saw them. */
  targets(): Map<string, string>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** The bot's real diagnosis worker in a child process; each job holds for `jobMs`. */
export async function startWorkerProcess(options: { redisUrl: string; cluster: string; prefix: string; jobMs: number; concurrency?: number }): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [WORKER], {
    env: { PATH: process.env.PATH, REDIS_URL: options.redisUrl, QUEUE_CLUSTER: options.cluster, REDIS_PREFIX: options.prefix, JOB_MS: String(options.jobMs), CONCURRENCY: String(options.concurrency ?? 4) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const field = (kind: string) => () => lines.filter((l) => l.startsWith(`${kind} `)).map((l) => l.slice(kind.length + 1));
  const worker: WorkerProcess = {
    child,
    lines,
    started: field('started'),
    completed: field('completed'),
    targets: () => new Map(field('target')().map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)] as const)),
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await closed;
    },
  };
  await until(() => lines.includes('ready') || (child.exitCode !== null ? 'exited' : undefined), 'the worker process to connect');
  if (child.exitCode !== null) throw new Error(`worker process exited early: ${lines.join('\n')}`);
  return worker;
}
