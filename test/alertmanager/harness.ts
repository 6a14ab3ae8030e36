// The bot's webhook on a random loopback port, wired to a private redis-server, a real BullMQ queue,
// and the fake Slack Web API through the real WebClient.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { alertmanagerHandler } from '../../handlers/alertmanager.ts';
import { bullmqEnqueue } from '../../src/alertmanager/bullmq-enqueue.ts';
import { createAlertIngest } from '../../src/alertmanager/ingest.ts';
import { startOutbox } from '../../src/slack/outbox-runner.ts';
import { webClientOutboxSlack } from '../../src/slack/outbox-slack.ts';
import { createOutboxStore } from '../../src/slack/outbox-store.ts';
import type { Outbox } from '../../src/slack/outbox.ts';
import { RedisPacer } from '../../src/slack/pacer.ts';
import { parentKey } from '../../src/incidents/parent-message.ts';
import type { IncidentKey } from '../../src/queue/types.ts';
import { createIncidentStore, type IncidentStore } from '../../src/incidents/store.ts';
import { diagnosisQueueName, type DiagnosisJobData } from '../../src/queue/types.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';

export const TOKEN = 's3cr3t-test-alertmanager-token';
export const CLUSTER = 'test-cluster';

/** Namespace "payments" has its own channel; everything else goes to the alert channel. */
export function testRouter(t: { namespace: string }): string {
  return t.namespace === 'payments' ? 'C0PAYMENTS' : 'C0ALERTS';
}

export interface Harness {
  redis: TestRedis;
  client: Redis;
  store: IncidentStore;
  queues: Map<string, Queue<DiagnosisJobData>>;
  queue(cluster?: string): Queue<DiagnosisJobData>;
  slack: FakeSlack;
  outbox: Outbox;
  /** Resolves once the outbox has nothing left to send (a state, polled). */
  drained(timeoutMs?: number): Promise<void>;
  /** The Slack ts of an incident's parent, once the outbox posted it. */
  parentTs(key: IncidentKey): Promise<string | undefined>;
  /** http://127.0.0.1:<port>/alertmanager */
  url: string;
  server: Server;
  errors: string[];
  /** Answer the next `n` requests with 503 before they reach the handler (Alertmanager retry test). */
  failNext(n: number): void;
  requests: number;
  close(): Promise<void>;
}

export async function connectedRedis(url: string): Promise<Redis> {
  // Fail fast instead of queueing commands while Redis is down: the webhook must answer 503 promptly.
  const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export async function startHarness(options: { redis?: TestRedis; maxBodyBytes?: number; recordTimeoutMs?: number; paceMs?: number } = {}): Promise<Harness> {
  const redis = options.redis ?? (await startRedis());
  const client = await connectedRedis(redis.url);
  const store = createIncidentStore(client, { prefix: redis.prefix, ttlSeconds: 3600 });
  const queues = new Map<string, Queue<DiagnosisJobData>>();
  const queueFor = (cluster: string): Queue<DiagnosisJobData> => {
    let q = queues.get(cluster);
    if (q === undefined) {
      const { hostname, port } = new URL(redis.url);
      q = new Queue<DiagnosisJobData>(diagnosisQueueName(cluster), { connection: { host: hostname, port: Number(port), maxRetriesPerRequest: 1 }, prefix: redis.prefix });
      q.on('error', () => undefined);
      queues.set(cluster, q);
    }
    return q;
  };
  const slack = await startFakeSlack();
  const web = new WebClient('xoxb-test-alertmanager', { slackApiUrl: slack.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  const errors: string[] = [];
  const log = (message: string, error?: unknown): void => {
    errors.push(`${message}: ${error instanceof Error ? error.message : String(error)}`);
  };
  const { hostname, port: redisPort } = new URL(redis.url);
  const outboxConnection = new Redis(Number(redisPort), hostname, { maxRetriesPerRequest: null });
  outboxConnection.on('error', () => undefined);
  const outboxStore = createOutboxStore(outboxConnection, { prefix: redis.prefix });
  const started = await startOutbox({
    connection: outboxConnection,
    redis: outboxConnection,
    store: outboxStore,
    slack: webClientOutboxSlack(web),
    pacer: new RedisPacer(outboxConnection, { prefix: redis.prefix, intervalMs: options.paceMs ?? 5 }),
    prefix: redis.prefix,
    parentWaitMs: 50,
    log,
  });
  const ingest = createAlertIngest({
    store,
    enqueue: bullmqEnqueue(queueFor),
    routeChannel: testRouter,
    outbox: started.outbox,
    defaultCluster: CLUSTER,
    log,
  });
  const handler = alertmanagerHandler({
    token: TOKEN,
    ingest,
    log,
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    recordTimeoutMs: options.recordTimeoutMs ?? 3000,
  });
  let failing = 0;
  const state = { requests: 0 };
  const server = createServer((req, res) => {
    state.requests += 1;
    if (failing > 0) {
      failing -= 1;
      req.resume();
      res.writeHead(503, { 'retry-after': '1' }).end('{"error":"injected"}');
      return;
    }
    void handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    redis,
    client,
    store,
    queues,
    queue: (cluster = CLUSTER) => queueFor(cluster),
    slack,
    outbox: started.outbox,
    parentTs: (key) => started.outbox.ts(parentKey(key)),
    async drained(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while ((await started.outbox.pending()) > 0) {
        if (Date.now() > deadline) throw new Error(`outbox not drained within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    url: `http://127.0.0.1:${port}/alertmanager`,
    server,
    errors,
    failNext: (n) => {
      failing = n;
    },
    get requests() {
      return state.requests;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      if (options.redis === undefined) await started.close();
      else outboxConnection.disconnect();
      for (const q of queues.values()) {
        await q.obliterate({ force: true }).catch(() => undefined);
        await q.close().catch(() => undefined);
      }
      client.disconnect();
      outboxConnection.disconnect();
      await slack.close();
      if (options.redis === undefined) await redis.stop();
    },
  };
}

/** `token: null` sends no Authorization header. */
export async function post(url: string, body: unknown, token: string | null = TOKEN): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, body: parsed };
}
