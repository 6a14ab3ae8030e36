// alertmanagerRoutes(ctx) as the composition root mounts it: config routing, cluster mapping, the
// worker's incident hooks, and a Slack outage during the webhook.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerRoutes, type AlertmanagerRouteContext } from '../../handlers/alertmanager.ts';
import { incidentHooks } from '../../src/incidents/hooks.ts';
import { webClientNotifier } from '../../src/incidents/notifier.ts';
import { createIncidentStore } from '../../src/incidents/store.ts';
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
});
afterAll(async () => {
  client.disconnect();
  await slack.close();
  await redis.stop();
});

function context(clusters: string[], prefix: string, overrides: Partial<AlertmanagerRouteContext['config']> = {}): AlertmanagerRouteContext {
  const { hostname, port } = new URL(redis.url);
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
    webClient: new WebClient('xoxb-test-routes', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
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
  it('mounts nothing without ALERTMANAGER_TOKEN or in the worker role, and says why', () => {
    const ctx = context(['prod'], `${redis.prefix}-a`);
    expect(alertmanagerRoutes({ ...ctx, config: { ...ctx.config, alertmanagerToken: undefined } })).toEqual([]);
    expect(logs.at(-1)).toMatch(/set ALERTMANAGER_TOKEN/);
    expect(alertmanagerRoutes({ ...ctx, router: undefined })).toEqual([]);
    expect(alertmanagerRoutes(ctx).map((r) => [r.path, r.method])).toEqual([['/alertmanager', ['POST']]]);
  });

  it('routes by the configured routes and queues on the alert cluster; unknown clusters are ignored and counted', async () => {
    const ctx = context(['prod', 'staging'], `${redis.prefix}-b`);
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
    const parents = slack.callsOf('chat.postMessage').filter((c) => String(c.args.text).includes('`staging`') || String(c.args.text).includes('`prod`'));
    expect(parents.map((c) => c.args.channel).sort()).toEqual(['C0ALERTS', 'C0PAYMENTS']);
  });

  it('with one cluster, takes every alert as about it whatever its cluster label', async () => {
    const ctx = context(['solo'], `${redis.prefix}-c`);
    const url = await serve(ctx);
    const res = await post(url, payload([crashLoopAlert({ cluster: 'prometheus-external-label', namespace: 'solo-ns' })]));
    expect(res.body).toMatchObject({ queued: 1, ignored: 0 });
    const [job] = await ctx.router!.queueFor('solo').getWaiting();
    expect(job?.data.incident?.cluster).toBe('solo');
  });

  it('answers 200 through a Slack outage; the worker hook opens the missing parent once', async () => {
    const prefix = `${redis.prefix}-d`;
    const ctx = context(['prod'], prefix);
    const url = await serve(ctx);
    slack.failNext('chat.postMessage', { status: 500 });
    const before = slack.callsOf('chat.postMessage').length;
    const res = await post(url, payload([crashLoopAlert({ namespace: 'outage', pod: 'api-6b7c8d9f4-bcdfg' })]));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ queued: 1, notifyErrors: 1 });
    expect(slack.callsOf('chat.postMessage')).toHaveLength(before);

    const store = createIncidentStore(client, { prefix });
    const hooks = incidentHooks(store, webClientNotifier(ctx.webClient), { waitMs: 0 });
    const key = { cluster: 'prod', namespace: 'outage', workload: 'Deployment/api' };
    const [first, second] = await Promise.all([hooks.incidentThread(key), hooks.incidentThread(key)]);
    const opened = first ?? second;
    expect(opened?.channel).toBe('C0ALERTS');
    expect(opened?.ts).toMatch(/^\d+\.\d+$/);
    expect(slack.callsOf('chat.postMessage')).toHaveLength(before + 1);
    expect(await hooks.incidentThread(key)).toEqual(opened);
    expect(await hooks.incidentThread({ ...key, workload: 'Deployment/never-alerted' })).toBeUndefined();
  });
});
