// Errors nobody expected, in every role of the real bot (in-process, real Redis, Bolt, BullMQ and the
// local Slack API): a route that throws or rejects is answered 500 with its request id, a job whose
// engine throws is logged with its job id and the requester told, and each is counted on GET /metrics
// (crashloop_unexpected_errors_total). The process keeps serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { postSigned, slashCommandBody } from '../support/signing.ts';
import { FixtureGateway } from '../support/fixture-gateway.ts';
import { crashingSnapshot } from '../support/pods.ts';
import { sampleValue } from '../support/prometheus-text.ts';
import { loadConfig } from '../../src/config.ts';
import { startBot, type Role, type RunningBot } from '../../src/main.ts';
import { createLogger } from '../../src/log/logger.ts';
import type { Route } from '../../src/server/routes.ts';

const SECRET = 's3cr3t-test-unexpected';
const CLUSTER = 'unexpected';
let redis: TestRedis;
let slack: FakeSlack;
const bots: RunningBot[] = [];
const lines: Record<string, unknown>[] = [];

const boom: Route[] = [
  {
    path: '/boom-sync',
    method: 'GET',
    handler: () => {
      throw new TypeError("Cannot read properties of null (reading 'x')");
    },
  },
  { path: '/boom-async', method: 'GET', handler: async () => Promise.reject(new RangeError('async boom')) },
];

async function start(role: Role): Promise<RunningBot> {
  const gateway = FixtureGateway.fromSnapshots([crashingSnapshot({ namespace: 'shop', name: 'web-5c8d7-abcde', container: 'web', deployment: 'web', previousLog: 'x' })], CLUSTER);
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-0000',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redis.url,
    PORT: '0',
    METRICS_PORT: String(await freePort()),
    METRICS_HOST: '127.0.0.1',
    CLUSTER_NAME: CLUSTER,
    CRASHLOOP_REDIS_PREFIX: uniqueName('unexpected'),
  });
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  const bot = await startBot({
    config,
    role,
    logger,
    createGateway: () => gateway,
    routes: () => boom,
    diagnosis: {
      diagnose: () => {
        throw new TypeError('engine bug');
      },
    },
  });
  bots.push(bot);
  return bot;
}

beforeAll(async () => {
  redis = await startRedis();
  slack = await startFakeSlack();
});

afterAll(async () => {
  for (const bot of bots) await bot.close();
  await slack?.close();
  await redis?.stop();
});

async function counted(bot: RunningBot, source: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${bot.metricsPort ?? 0}/metrics`)).text();
  expect(text).toContain('# TYPE crashloop_unexpected_errors_total counter');
  return sampleValue(text, 'crashloop_unexpected_errors_total', { source }) ?? 0;
}

describe('unexpected errors, every role', () => {
  for (const role of ['all', 'worker'] as const) {
    it(`${role}: a route that throws or rejects is answered 500 with its request id, logged and counted`, async () => {
      const bot = await start(role);
      const base = `http://127.0.0.1:${bot.port}`;
      const before = await counted(bot, 'request');
      for (const path of ['/boom-sync', '/boom-async']) {
        const res = await fetch(`${base}${path}`, { headers: { 'x-request-id': `req-${role}-${path.slice(1)}` } });
        expect(res.status).toBe(500);
        const body = (await res.json()) as { error: string };
        expect(body.error).toBe(`Internal error (request req-${role}-${path.slice(1)}); it was logged.`);
        expect(body.error).not.toMatch(/TypeError|RangeError|Cannot read|async boom|\sat\s/);
        expect(lines.some((l) => String(l.msg).includes(`request req-${role}-${path.slice(1)} (GET ${path}) failed unexpectedly`))).toBe(true);
      }
      expect(await counted(bot, 'request')).toBe(before + 2);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    });
  }

  it('a job whose engine throws is logged with its job id, counted, and the process keeps serving', async () => {
    const bot = bots.find((b) => b.role === 'all') ?? (await start('all'));
    const before = await counted(bot, 'job');
    const ack = await postSigned(`http://127.0.0.1:${bot.port}/slack/events`, SECRET, slashCommandBody({ text: 'shop/web-5c8d7-abcde', responseUrl: slack.responseUrl(uniqueName('r')) }));
    expect(ack.status).toBe(200);
    const failed = await slack.waitFor(() => lines.find((l) => l.msg === 'job attempt failed; it will be retried' && (l.err as { message?: string } | undefined)?.message === 'engine bug'), 30_000);
    expect(failed.jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await counted(bot, 'job')).toBeGreaterThanOrEqual(before + 1);
    expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);
  });
});
