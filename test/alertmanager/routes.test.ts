// alertmanagerRoutes(ctx) as the composition root mounts it: config routing, cluster mapping, and a
// Slack outage during the webhook (answered at once; the outbox posts when Slack is back).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerRoutes, type AlertmanagerRouteContext } from '../../handlers/alertmanager.ts';
import { parentKey } from '../../src/incidents/parent-message.ts';
import { startOutbox } from '../../src/slack/outbox-runner.ts';
import { webClientOutboxSlack } from '../../src/slack/outbox-slack.ts';
import { createOutboxStore } from '../../src/slack/outbox-store.ts';
import type { Outbox } from '../../src/slack/outbox.ts';
import { RedisPacer } from '../../src/slack/pacer.ts';
import { Redis as IORedis } from 'ioredis';
import { createDiagnosisQueue } from '../../src/queue/queues.ts';
import type { DiagnosisJobData } from '../../src/queue/types.ts';
import { createRouteServer } from '../../src/server/routes.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { crashLoopAlert, payload } from './fixtures.ts';
import { connectedRedis, post, TOKEN } from './harness.ts';

let redis: TestRedis;
let client: Redis;
let slack: FakeSlack;
const queues: Queue<DiagnosisJobData>[] = [];
const servers: Server[] = [];
const logs: string[] = [];
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  redis = await startRedis();
  client = await connectedRedis(redis.url);
  slack = await startFakeSlack();
});
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
  for (const q of queues.splice(0)) {
    await q.obliterate({ force: true });
    await q.close();
  }
  for (const close of closers.splice(0).reverse()) await close();
});
afterAll(async () => {
  client.disconnect();
  await slack.close();
  await redis.stop();
});

async function startTestOutbox(prefix: string): Promise<Outbox> {
  const connection = new IORedis(redis.url, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  const web = new WebClient('xoxb-test-routes', { slackApiUrl: slack.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  const started = await startOutbox({ connection, redis: connection, store: createOutboxStore(connection, { prefix }), slack: webClientOutboxSlack(web), pacer: new RedisPacer(connection, { prefix, intervalMs: 5 }), prefix });
  closers.push(() => connection.quit(), () => started.close());
  return started.outbox;
}

async function context(clusters: string[], prefix: string, overrides: Partial<AlertmanagerRouteContext['config']> = {}): Promise<AlertmanagerRouteContext> {
  const { hostname, port } = new URL(redis.url);
  const outbox = await startTestOutbox(prefix);
  const byCluster = new Map(clusters.map((c) => {
    const q = createDiagnosisQueue(c, { connection: { host: hostname, port: Number(port) }, prefix });
    queues.push(q);
    return [c, q] as const;
  }));
  return {
    config: {
      alertmanagerToken: TOKEN,
      alertChannel: 'C0ALERTS',
      routes: [{ match: { namespace: 'payments' }, channel: 'C0PAYMENTS' }],
      clusterName: clusters[0],
      redisPrefix: prefix,
      ...overrides,
    },
    redis: client,
    router: {
      clusters,
      defaultCluster: clusters[0],
      queueFor: (c) => {
        const q = byCluster.get(c);
        if (q === undefined) throw new Error(`unknown cluster ${c}`);
        return q;
      },
    },
    outbox,
    log: (message, error) => logs.push(`${message}${error === undefined ? '' : `: ${String(error)}`}`),
  };
}

async function serve(ctx: AlertmanagerRouteContext): Promise<string> {
  const server = createRouteServer(alertmanagerRoutes(ctx));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/alertmanager`;
}

describe('alertmanagerRoutes', () => {
  it('mounts nothing without ALERTMANAGER_TOKEN or in the worker role, and says why', async () => {
    const ctx = await context(['prod'], `${redis.prefix}-a`);
    expect(alertmanagerRoutes({ ...ctx, config: { ...ctx.config, alertmanagerToken: undefined } })).toEqual([]);
    expect(logs.at(-1)).toMatch(/set ALERTMANAGER_TOKEN/);
    expect(alertmanagerRoutes({ ...ctx, router: undefined })).toEqual([]);
    expect(alertmanagerRoutes(ctx).map((r) => [r.path, r.method])).toEqual([['/alertmanager', ['POST']]]);
  });

  it('routes by the configured routes and queues on the alert cluster; unknown clusters are ignored and counted', async () => {
    const ctx = await context(['prod', 'staging'], `${redis.prefix}-b`);
    const url = await serve(ctx);
    const res = await post(url, payload([
      crashLoopAlert({ cluster: 'staging', namespace: 'payments' }),
      crashLoopAlert({ namespace: 'shop', pod: 'cart-6b7c8d9f4-bcdfg' }),
      crashLoopAlert({ cluster: 'elsewhere', namespace: 'shop', pod: 'web-0' }),
    ]));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ queued: 2, ignored: 1, ignoredBy: { 'unknown-cluster': 1 } });
    const [staging] = await ctx.router!.queueFor('staging').getWaiting();
    const [prod] = await ctx.router!.queueFor('prod').getWaiting();
    expect(staging?.data.incident).toEqual({ cluster: 'staging', namespace: 'payments', workload: 'Deployment/payments-api' });
    expect(prod?.data.incident).toEqual({ cluster: 'prod', namespace: 'shop', workload: 'Deployment/cart' });
    const parents = await slack.waitFor(() => {
      const p = slack.callsOf('chat.postMessage').filter((c) => String(c.args.text).includes('(staging)') || String(c.args.text).includes('(prod)'));
      return p.length >= 2 ? p : undefined;
    });
    expect(parents.map((c) => c.args.channel).sort()).toEqual(['C0ALERTS', 'C0PAYMENTS']);
  });

  it('with one cluster, takes every alert as about it whatever its cluster label', async () => {
    const ctx = await context(['solo'], `${redis.prefix}-c`);
    const url = await serve(ctx);
    const res = await post(url, payload([crashLoopAlert({ cluster: 'prometheus-external-label', namespace: 'solo-ns' })]));
    expect(res.body).toMatchObject({ queued: 1, ignored: 0 });
    const [job] = await ctx.router!.queueFor('solo').getWaiting();
    expect(job?.data.incident?.cluster).toBe('solo');
  });

  it('answers 200 through a Slack outage; the outbox posts the parent once when Slack answers again', async () => {
    const prefix = `${redis.prefix}-d`;
    const ctx = await context(['prod'], prefix);
    const url = await serve(ctx);
    slack.failNext('chat.postMessage', { status: 500 }, 2, (args) => String(args.text).includes('outage/Deployment/api'));
    const res = await post(url, payload([crashLoopAlert({ namespace: 'outage', pod: 'api-6b7c8d9f4-bcdfg' })]));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ queued: 1 });
    const key = { cluster: 'prod', namespace: 'outage', workload: 'Deployment/api' };
    const mine = () => slack.calls.filter((c) => c.method === 'chat.postMessage' && String(c.args.text).includes('outage/Deployment/api'));
    await slack.waitFor(() => mine().some((c) => c.status === 200), 20_000);
    expect(mine().map((c) => c.status)).toEqual([500, 500, 200]);
    expect(mine()[2]?.args.channel).toBe('C0ALERTS');
    // The ts is recorded right after Slack's answer: poll the store for it.
    const store = createOutboxStore(client, { prefix });
    let ts = await store.ts(parentKey(key));
    for (let i = 0; ts === undefined && i < 200; i += 1) {
      await new Promise((r) => setTimeout(r, 25));
      ts = await store.ts(parentKey(key));
    }
    expect(ts).toBe(mine()[2]?.result?.ts);
  });
});
