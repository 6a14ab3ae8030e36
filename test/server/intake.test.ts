// The Slack intake against the real server process (`crashloop serve --role web`): a signed
// `payload=null` once killed it (TypeError inside Bolt's HTTPReceiver, exit 1). Malformed bodies with
// valid signatures are answered 4xx, the process lives on and still serves the next slash command;
// the signature window holds in both directions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startRedis, uniqueName, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { startServe, type ServeProcess } from '../support/serve-process.ts';
import { blockActionBody, postSigned, slackSignature, slashCommandBody } from '../support/signing.ts';

const SECRET = 's3cr3t-test-intake';
let redis: TestRedis;
let slack: FakeSlack;
let serve: ServeProcess;
let url: string;

beforeAll(async () => {
  redis = await startRedis();
  slack = await startFakeSlack();
  serve = await startServe(
    { PATH: process.env.PATH, SLACK_BOT_TOKEN: 'xoxb-test-intake', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl, REDIS_URL: redis.url, CRASHLOOP_REDIS_PREFIX: uniqueName('intake'), PORT: '0', CRASHLOOP_CLUSTERS: 'east' },
    slack,
    ['--role', 'web'],
  );
  url = `http://127.0.0.1:${/listening on port (\d+)/.exec(serve.output())?.[1] ?? ''}/slack/events`;
});

afterAll(async () => {
  await serve?.kill();
  await slack?.close();
  await redis?.stop();
});

async function signedJson(body: string, timestamp = Math.floor(Date.now() / 1000)): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': slackSignature(SECRET, timestamp, body) }, body });
}

async function stillServes(): Promise<void> {
  expect(serve.child.exitCode).toBeNull();
  const ack = await postSigned(url, SECRET, slashCommandBody({ text: 'help', responseUrl: slack.responseUrl(uniqueName('r')) }));
  expect(ack.status).toBe(200);
  expect(((await ack.json()) as { response_type?: string }).response_type).toBe('ephemeral');
}

describe('Slack intake, real server process', () => {
  it('answers a signed payload=null with 400, logs it with a request id and keeps serving', async () => {
    const res = await postSigned(url, SECRET, 'payload=null');
    expect(res.status).toBe(400);
    await stillServes();
    expect(serve.output()).toMatch(/request [0-9a-f]{16} to \/slack\/events refused \(400\)/);
    expect(serve.output()).not.toContain('TypeError');
  });

  it('refuses malformed bodies with valid signatures (JSON null, arrays, numbers, nested payloads, huge fields) and survives', async () => {
    const fixed = ['null', '[]', '[null]', '42', '"text"', 'true', '{}', '{"type":7}', '{"type":null}', '{"payload":null}'];
    for (const body of fixed) expect((await signedJson(body)).status, body).toBe(400);
    const forms = ['payload=null', 'payload=42', 'payload=%5B%5D', 'payload=%22x%22', 'payload=a&payload=b', 'payload=%7B%7D', `payload=${encodeURIComponent(JSON.stringify(JSON.stringify({ type: 'block_actions' })))}`, 'x=1', ''];
    for (const body of forms) expect((await postSigned(url, SECRET, body)).status, body).toBe(400);
    // A slash command the app does not listen to: refused at once, not held 3 s by Bolt before a 404.
    expect((await postSigned(url, SECRET, slashCommandBody({ text: 'x', command: '/other', responseUrl: slack.responseUrl(uniqueName('r')) }))).status).toBe(400);
    const shapeless = `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', actions: [{ value: 'x'.repeat(300_000) }] }))}`;
    expect((await postSigned(url, SECRET, shapeless)).status).toBe(400);
    const huge = blockActionBody({ actionId: 'crashloop_diagnose', value: 'x'.repeat(300_000), responseUrl: slack.responseUrl(uniqueName('r')) });
    expect((await postSigned(url, SECRET, huge)).status).toBe(200);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string(), fc.jsonValue().map((v) => `payload=${encodeURIComponent(JSON.stringify(v))}`)), async (body) => {
        const res = body.startsWith('payload=') ? await postSigned(url, SECRET, body) : await signedJson(body);
        await res.arrayBuffer();
        expect(res.status).toBeLessThan(500);
      }),
      { seed: 11, numRuns: 200 },
    );
    await stillServes();
  });

  it('refuses signed requests dated more than 5 minutes ahead or behind, accepts those within', async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = slashCommandBody({ text: 'help', responseUrl: slack.responseUrl(uniqueName('r')) });
    expect((await postSigned(url, SECRET, body, { timestamp: now + 6 * 60 })).status).toBe(401);
    expect((await postSigned(url, SECRET, body, { timestamp: now - 6 * 60 })).status).toBe(401);
    expect((await postSigned(url, SECRET, body, { timestamp: now + 4 * 60 })).status).toBe(200);
    expect((await postSigned(url, SECRET, body, { timestamp: now - 4 * 60 })).status).toBe(200);
    expect((await postSigned(url, SECRET, body, { signature: 'v0=deadbeef' })).status).toBe(401);
  });

  it('still answers Slack’s unsigned SSL check', async () => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'ssl_check=1&token=x' });
    expect(res.status).toBe(200);
  });
});
