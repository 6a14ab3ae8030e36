// What the finding says after the hold-out 6 review (test/fixtures/corpus/HOLDOUT6.md): an API's 403 quoted by its
// request line with the policy fix, an env var with a rejected value named. Variants written here, each with a near
// miss where the change could over-reach.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../diagnostics/index.ts';
import { buildSnapshot, type Case } from '../fixtures/diagnostics/build.ts';

const crash = (logs: string): Case => ({
  name: 'wording', cause: 'unknown', container: 'app', containers: [{ name: 'app', last: { exitCode: 1, reason: 'Error' } }], logs: { app: logs },
});
const first = (c: Case) => {
  const f = diagnose(buildSnapshot(c)).findings[0];
  if (!f) throw new Error('no finding');
  return f;
};
const apiError = (code: number) => [
  '2026-11-22T01:55:00.000Z [ERROR] agent.template.server: template server error:',
  '  error=',
  '  | vault.read(secret/data/payments): Error making API request.',
  '  | ',
  '  | URL: GET https://vault.vault:8200/v1/secret/data/payments',
  `  | Code: ${code}. Errors:`,
  '  | ',
  `  | * ${code === 403 ? 'permission denied' : 'internal error'}`,
  'Error encountered during run, refer to logs for more details.',
].join('\n');

describe('an API refusing the caller', () => {
  it('quotes the request line (method and path) and gives the policy fix, not "check the Secret"', () => {
    const f = first(crash(apiError(403)));
    expect(f.cause).toBe('auth-failure');
    expect(f.title).toContain('GET https://vault.vault:8200/v1/secret/data/payments');
    expect(f.evidence.some((e) => e.kind === 'log' && e.text.includes('URL: GET'))).toBe(true);
    expect(f.fix.summary).toMatch(/policy/);
    expect(f.fix.summary).not.toMatch(/check the Secret/);
  });

  it('the same API failing with a 500 is not an authorization refusal (near miss)', () => {
    const f = first(crash(apiError(500)));
    expect(f.cause).not.toBe('auth-failure');
  });
});

describe('an environment variable with a rejected value', () => {
  it('names the variable', () => {
    const f = first(crash('Invalid value for env var named SYNC_INTERVAL'));
    expect(f.cause).toBe('missing-env-var');
    expect(f.title).toContain('SYNC_INTERVAL');
  });

  it('an invalid value for a flag is not an env var (near miss)', () => {
    const f = first(crash('invalid value "abc" for flag -port: parse error'));
    expect(f.cause).not.toBe('missing-env-var');
  });
});
