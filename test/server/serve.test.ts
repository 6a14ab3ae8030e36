// `crashloop serve` argument and start-up failures, in-process through serve(argv, io).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../src/cli/serve.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';

let redis: TestRedis;
let slack: FakeSlack;

beforeAll(async () => {
  redis = await startRedis();
  slack = await startFakeSlack();
});

afterAll(async () => {
  await slack.close();
  await redis.stop();
});

function io(env: Record<string, string | undefined>, stop: Promise<void> = Promise.resolve()) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, env, stopSignal: stop } };
}

describe('crashloop serve', () => {
  it('prints its usage with --help', async () => {
    const r = io({});
    expect(await serve(['--help'], r.io)).toBe(0);
    expect(r.out.join('')).toContain('--role all|web|worker');
  });

  it('rejects an unknown role or option with exit 2', async () => {
    const bad = io({});
    expect(await serve(['--role', 'bogus'], bad.io)).toBe(2);
    expect(bad.err.join('')).toContain('--role must be one of all, web, worker');
    const unknown = io({});
    expect(await serve(['--bogus'], unknown.io)).toBe(2);
  });

  it('lists every configuration problem and exits 2', async () => {
    const r = io({ PORT: 'x', REDIS_URL: 'http://nope' });
    expect(await serve([], r.io)).toBe(2);
    const text = r.err.join('');
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'PORT', 'REDIS_URL']) expect(text).toContain(name);
  });

  it('fails to start with a clear message when Slack rejects the token', async () => {
    const rejecting = await startFakeSlack();
    rejecting.failNext('auth.test', { status: 200, error: 'invalid_auth' }, 100);
    const r = io({ SLACK_BOT_TOKEN: 'xoxb-test-revoked', SLACK_SIGNING_SECRET: 's3cr3t-test', SLACK_API_URL: rejecting.apiUrl, REDIS_URL: redis.url, PORT: '0', CRASHLOOP_CLUSTERS: 'c' });
    expect(await serve(['--role', 'web'], r.io)).toBe(1);
    await rejecting.close();
    expect(r.err.join('')).toContain('Check SLACK_BOT_TOKEN');
    expect(r.err.join('')).not.toContain('xoxb-test-revoked');
  });

  it('starts the web role, reports its port and stops on the stop signal', async () => {
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const r = io({ SLACK_BOT_TOKEN: 'xoxb-test-ok', SLACK_SIGNING_SECRET: 's3cr3t-test', SLACK_API_URL: slack.apiUrl, REDIS_URL: redis.url, PORT: '0', CRASHLOOP_CLUSTERS: 'east,west' }, stopped);
    const running = serve(['--role', 'web'], r.io);
    const line = await slack.waitFor(() => r.out.find((l) => l.includes('listening on port')));
    expect(line).toContain('role web, clusters east, west');
    const port = /port (\d+)/.exec(line)?.[1];
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    stop();
    expect(await running).toBe(0);
  });
});
