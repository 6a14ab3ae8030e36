// Socket Mode: with SLACK_APP_TOKEN the bot opens a WebSocket (apps.connections.open on SLACK_API_URL)
// instead of taking HTTP; commands arrive as envelopes and are acked over the socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { FixtureGateway } from '../support/fixture-gateway.ts';
import { crashingSnapshot } from '../support/pods.ts';
import { loadConfig } from '../../src/config.ts';
import { startBot, type RunningBot } from '../../src/main.ts';

let redis: TestRedis;
let slack: FakeSlack;
let bot: RunningBot;

beforeAll(async () => {
  redis = await startRedis();
  slack = await startFakeSlack();
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-socket',
    SLACK_APP_TOKEN: 'xapp-test-socket',
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redis.url,
    PORT: '0',
    CLUSTER_NAME: 'sock',
    CRASHLOOP_REDIS_PREFIX: uniqueName('sock'),
  });
  const gateway = FixtureGateway.fromSnapshots([crashingSnapshot({ namespace: 'shop', name: 'web-1', container: 'web', previousLog: "Error: Cannot find module 'express'" })], 'sock');
  bot = await startBot({ config, createGateway: () => gateway, log: () => undefined });
});

afterAll(async () => {
  await bot?.close();
  await slack?.close();
  await redis?.stop();
});

describe('Socket Mode', () => {
  it('acks a /crashloop envelope over the socket and posts the report', async () => {
    await slack.waitFor(() => slack.socketCount() > 0);
    expect(slack.calls.some((c) => c.method === 'apps.connections.open')).toBe(true);
    const ack = await slack.socketSend('slash_commands', {
      token: 't', team_id: 'T0TEST', team_domain: 'test', channel_id: 'C0SOCK', channel_name: 'ops', user_id: 'U0TEST', user_name: 'tester',
      command: '/crashloop', text: 'shop/web-1', api_app_id: 'A0TEST', response_url: slack.responseUrl(), trigger_id: '1',
    });
    expect(ack).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Diagnosing shop/web-1') });
    const report = await slack.waitFor(() => slack.callsOf('chat.postMessage').find((c) => c.args.channel === 'C0SOCK' && c.args.metadata !== undefined));
    expect(report.args.metadata).toMatchObject({ event_type: 'crashloop_report', event_payload: { cause: 'missing-dependency', pod: 'web-1', cluster: 'sock' } });
  });

  it('still serves the HTTP routes on PORT', async () => {
    expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);
  });
});
