// 10,000 (FUZZ_RUNS) requests to the real web process's Slack endpoint (our intake, then Bolt):
// forged, stale, future-dated or missing signatures, and validly signed bodies of every shape (slash
// commands with hostile text, button payloads, JSON, `payload=` junk, plain text). Unsigned or
// mis-signed requests get 401, signed ones 200 or 400; never a 5xx, and the process never dies.
import { parse as parseQuery } from 'node:querystring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FORM, headersFor, signing, slackRequests } from '../support/slack-fuzz.ts';
import { SECRET, startWebStack, type WebStack } from './harness.ts';
import { FUZZ_RUNS, fuzzOptions, fuzzTimeout } from './fuzz.ts';

let stack: WebStack;
beforeAll(async () => {
  stack = await startWebStack();
});
afterAll(async () => {
  await stack?.close();
});

describe(`fuzz: Slack requests to the real intake and Bolt (${FUZZ_RUNS} cases)`, () => {
  it('answers 401 to every forged or misdated request, 200/400 to signed ones, never 5xx', async () => {
    const statuses = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(slackRequests(stack.slack.responseUrl('fuzz')), signing, async ({ type, body: text }, mode) => {
        const res = await fetch(`${stack.base}/slack/events`, { method: 'POST', headers: headersFor(SECRET, mode, type, text), body: text });
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
