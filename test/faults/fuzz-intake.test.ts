// 10,000 (FUZZ_RUNS) requests to the real web process's Slack endpoint (our intake, then Bolt):
// forged, stale, future-dated or missing signatures, and validly signed bodies of every shape (slash
// commands with hostile text, button payloads, JSON, `payload=` junk, plain text). Unsigned or
// mis-signed requests get 401, signed ones 200 or 400; never a 5xx, and the process never dies.
import { parse as parseQuery } from 'node:querystring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ACTION_IDS } from '../../src/actions/types.ts';
import { blockActionBody, slackSignature, slashCommandBody } from '../support/signing.ts';
import { hostileSlashText } from '../support/hostile-input.ts';
import { SECRET, startWebStack, type WebStack } from './harness.ts';
import { FUZZ_RUNS, fuzzOptions, fuzzTimeout } from './fuzz.ts';

let stack: WebStack;
beforeAll(async () => {
  stack = await startWebStack();
});
afterAll(async () => {
  await stack?.close();
});

const FORM = 'application/x-www-form-urlencoded';
const requests = (responseUrl: string) =>
  fc.oneof(
  { arbitrary: fc.tuple(fc.oneof(hostileSlashText, fc.string({ maxLength: 100 }), fc.constantFrom('help', '')), fc.constantFrom('/crashloop', '/other', '')).map(([text, command]) => ({ type: FORM, body: slashCommandBody({ text, command, responseUrl }) })), weight: 4 },
  { arbitrary: fc.tuple(fc.constantFrom(...Object.values(ACTION_IDS)), fc.string({ maxLength: 80 })).map(([actionId, value]) => ({ type: FORM, body: blockActionBody({ actionId, value, responseUrl }) })), weight: 2 },
  { arbitrary: fc.jsonValue().map((v) => ({ type: FORM, body: `payload=${encodeURIComponent(JSON.stringify(v))}` })), weight: 2 },
  fc.json().map((text) => ({ type: 'application/json', body: text })),
  fc.string({ maxLength: 200 }).map((text) => ({ type: FORM, body: text })),
  fc.tuple(fc.constantFrom('text/plain', 'multipart/form-data; boundary=x', '', 'application/json; charset=utf-8'), fc.string({ maxLength: 100 })).map(([type, text]) => ({ type, body: text })),
);
type Signing = 'valid' | 'none' | 'wrong' | 'stale' | 'future' | 'garbage-timestamp' | 'other-body';
const signing = fc.constantFrom<Signing>('valid', 'valid', 'valid', 'none', 'wrong', 'stale', 'future', 'garbage-timestamp', 'other-body');

function headersFor(mode: Signing, type: string, text: string): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = type === '' ? {} : { 'content-type': type };
  const sign = (timestamp: number, signed = text): void => {
    headers['x-slack-request-timestamp'] = String(timestamp);
    headers['x-slack-signature'] = slackSignature(SECRET, timestamp, signed);
  };
  if (mode === 'valid') sign(now);
  else if (mode === 'wrong') sign(now, `${text}x`);
  else if (mode === 'stale') sign(now - 6 * 60);
  else if (mode === 'future') sign(now + 6 * 60);
  else if (mode === 'other-body') sign(now, 'token=x');
  else if (mode === 'garbage-timestamp') {
    headers['x-slack-request-timestamp'] = `${now}.5`;
    headers['x-slack-signature'] = slackSignature(SECRET, now, text);
  }
  return headers;
}

describe(`fuzz: Slack requests to the real intake and Bolt (${FUZZ_RUNS} cases)`, () => {
  it('answers 401 to every forged or misdated request, 200/400 to signed ones, never 5xx', async () => {
    const statuses = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(requests(stack.slack.responseUrl('fuzz')), signing, async ({ type, body: text }, mode) => {
        const res = await fetch(`${stack.base}/slack/events`, { method: 'POST', headers: headersFor(mode, type, text), body: text });
        await res.arrayBuffer();
        const key = `${mode} ${res.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        const sslCheck = type === FORM && parseQuery(text).ssl_check === '1';
        if (sslCheck) expect(res.status).toBe(200);
        else if (mode === 'valid') expect([200, 400]).toContain(res.status);
        else expect(res.status).toBe(401);
      }),
      fuzzOptions(9104),
    );
    expect(stack.serve.child.exitCode).toBeNull();
    // Not vacuous: signed requests got through to Bolt and were acked.
    expect(statuses.get('valid 200') ?? 0).toBeGreaterThan(FUZZ_RUNS / 10);
    expect(statuses.get('valid 400') ?? 0).toBeGreaterThan(FUZZ_RUNS / 20);
    const ok = await stack.slash('help');
    expect(ok.responseType).toBe('ephemeral');
    expect(stack.serve.output()).not.toMatch(/TypeError|unhandled promise rejection|uncaught exception|failed unexpectedly/);
  }, fuzzTimeout());
});
