// Fuzzed requests to the Slack endpoint (fast-check): slash commands with hostile text, button payloads,
// JSON, `payload=` junk and text, each with a valid, missing, wrong, stale, future-dated or malformed
// signature. Shared by test/faults/fuzz-intake.test.ts and bench/web-rss-growth.ts.
import fc from 'fast-check';
import { ACTION_IDS } from '../../src/actions/types.ts';
import { blockActionBody, slackSignature, slashCommandBody } from './signing.ts';
import { hostileSlashText } from './hostile-input.ts';

export const FORM = 'application/x-www-form-urlencoded';
export const slackRequests = (responseUrl: string) =>
  fc.oneof(
  { arbitrary: fc.tuple(fc.oneof(hostileSlashText, fc.string({ maxLength: 100 }), fc.constantFrom('help', '')), fc.constantFrom('/crashloop', '/other', '')).map(([text, command]) => ({ type: FORM, body: slashCommandBody({ text, command, responseUrl }) })), weight: 4 },
  { arbitrary: fc.tuple(fc.constantFrom(...Object.values(ACTION_IDS)), fc.string({ maxLength: 80 })).map(([actionId, value]) => ({ type: FORM, body: blockActionBody({ actionId, value, responseUrl }) })), weight: 2 },
  { arbitrary: fc.jsonValue().map((v) => ({ type: FORM, body: `payload=${encodeURIComponent(JSON.stringify(v))}` })), weight: 2 },
  fc.json().map((text) => ({ type: 'application/json', body: text })),
  fc.string({ maxLength: 200 }).map((text) => ({ type: FORM, body: text })),
  fc.tuple(fc.constantFrom('text/plain', 'multipart/form-data; boundary=x', '', 'application/json; charset=utf-8'), fc.string({ maxLength: 100 })).map(([type, text]) => ({ type, body: text })),
);
export type Signing = 'valid' | 'none' | 'wrong' | 'stale' | 'future' | 'garbage-timestamp' | 'other-body';
export const signing = fc.constantFrom<Signing>('valid', 'valid', 'valid', 'none', 'wrong', 'stale', 'future', 'garbage-timestamp', 'other-body');

export function headersFor(secret: string, mode: Signing, type: string, text: string): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = type === '' ? {} : { 'content-type': type };
  const sign = (timestamp: number, signed = text): void => {
    headers['x-slack-request-timestamp'] = String(timestamp);
    headers['x-slack-signature'] = slackSignature(secret, timestamp, signed);
  };
  if (mode === 'valid') sign(now);
  else if (mode === 'wrong') sign(now, `${text}x`);
  else if (mode === 'stale') sign(now - 6 * 60);
  else if (mode === 'future') sign(now + 6 * 60);
  else if (mode === 'other-body') sign(now, 'token=x');
  else if (mode === 'garbage-timestamp') {
    headers['x-slack-request-timestamp'] = `${now}.5`;
    headers['x-slack-signature'] = slackSignature(secret, now, text);
  }
  return headers;
}
