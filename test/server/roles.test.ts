// The split roles: a `web` process routes a command to the queue of the cluster it names, and only that
// cluster's `worker` process (with its own gateway) diagnoses it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { postSigned, slashCommandBody } from '../support/signing.ts';
import { FixtureGateway } from '../support/fixture-gateway.ts';
import { crashingSnapshot } from '../support/pods.ts';
import { loadConfig } from '../../src/config.ts';
import { startBot, type RunningBot } from '../../src/main.ts';

const SECRET = 's3cr3t-test-roles';
let redis: TestRedis;
let slack: FakeSlack;
const bots: RunningBot[] = [];
const gateways = new Map<string, FixtureGateway>();
let web: RunningBot;

beforeAll(async () => {
  redis = await startRedis();
  slack = await startFakeSlack();
  const env = {
    SLACK_BOT_TOKEN: 'xoxb-test-roles',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redis.url,
    PORT: '0',
    CRASHLOOP_CLUSTERS: 'east,west',
    CRASHLOOP_REDIS_PREFIX: uniqueName('roles'),
  };
  const config = loadConfig(env);
  for (const cluster of ['east', 'west']) {
    const gateway = FixtureGateway.fromSnapshots([crashingSnapshot({ namespace: 'shop', name: `web-${cluster}`, container: 'web', previousLog: "Error: Cannot find module 'express'" })], cluster);
    gateways.set(cluster, gateway);
    bots.push(await startBot({ config, role: 'worker', cluster, createGateway: () => gateway, log: () => undefined }));
  }
  web = await startBot({
    config,
    role: 'web',
    createGateway: () => {
      throw new Error('the web role must not build a gateway');
    },
    log: () => undefined,
  });
  bots.push(web);
});

afterAll(async () => {
  for (const bot of bots.reverse()) await bot.close();
  await slack?.close();
  await redis?.stop();
});

describe('roles', () => {
  it('web routes by cluster prefix; only that cluster\'s worker diagnoses it', async () => {
    expect(web.clusters).toEqual(['east', 'west']);
    const res = await postSigned(`http://127.0.0.1:${web.port}/slack/events`, SECRET, slashCommandBody({ text: 'west/shop/web-west', responseUrl: slack.responseUrl(), channelId: 'C0ROLES' }));
    expect(res.status).toBe(200);
    const report = await slack.waitFor(() => slack.callsOf('chat.postMessage').find((c) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'crashloop_report'));
    expect(report.args.metadata).toMatchObject({ event_payload: { cluster: 'west', pod: 'web-west', cause: 'missing-dependency' } });
    expect(gateways.get('west')?.calls.some((c) => c.startsWith('getPod shop/web-west'))).toBe(true);
    expect(gateways.get('east')?.calls.some((c) => c.startsWith('getPod'))).toBe(false);
  });

  it('a worker serves /healthz and /readyz on its own port', async () => {
    const worker = bots[0];
    expect(worker?.role).toBe('worker');
    expect((await fetch(`http://127.0.0.1:${worker?.port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${worker?.port}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${worker?.port}/slack/events`, { method: 'POST' })).status).toBe(404);
  });
});
