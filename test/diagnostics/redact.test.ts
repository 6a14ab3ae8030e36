import { describe, expect, it } from 'vitest';
import { diagnose, redactSnapshot, redactText } from '../../diagnostics/index.ts';
import { buildSnapshot } from '../fixtures/diagnostics/build.ts';

// Obviously fake secrets, one per kind the engine must mask.
const SECRETS: [string, string, string][] = [
  ['Slack bot token', 'token is xoxb-test-1234567890-abcdefghij', 'xoxb-test-1234567890-abcdefghij'],
  ['Slack app token', 'SLACK_APP_TOKEN xapp-1-A0TEST-1234-abcdef', 'xapp-1-A0TEST-1234-abcdef'],
  ['GitHub token', 'cloning with ghp_TESTtestTESTtestTESTtest1234 failed', 'ghp_TESTtestTESTtestTESTtest1234'],
  ['GitHub fine-grained token', 'github_pat_11TEST0000000000000000_abcdefghijklmnop', 'github_pat_11TEST0000000000000000_abcdefghijklmnop'],
  ['bearer header', 'Authorization: Bearer s3cr3t-test-bearer-value', 's3cr3t-test-bearer-value'],
  ['postgres DSN password', 'could not connect: postgres://app:s3cr3t-test@db:5432/app', 's3cr3t-test'],
  ['redis URL password', 'redis://:s3cr3t-redis@redis:6379/0', 's3cr3t-redis'],
  ['AWS access key id', 'using AKIAIOSFODNN7EXAMPLE for s3', 'AKIAIOSFODNN7EXAMPLE'],
  ['AWS secret key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  ['GCP private key in JSON', '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvTESTKEYDATA\\n-----END PRIVATE KEY-----\\n"}', 'MIIEvTESTKEYDATA'],
  ['PEM private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEpTESTRSAKEYDATA\nabc123\n-----END RSA PRIVATE KEY-----', 'MIIEpTESTRSAKEYDATA'],
  ['JWT', 'token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLXRlc3Q', 'eyJzdWIiOiJ0ZXN0In0'],
  ['password=', 'host=db user=app password=s3cr3t-test sslmode=disable', 's3cr3t-test'],
  ['secret: YAML', 'secret: s3cr3t-yaml-test', 's3cr3t-yaml-test'],
  ['token= logfmt', 'level=error msg="auth" token=tok-s3cr3t-test', 'tok-s3cr3t-test'],
  ['JSON password', '{"user":"app","password":"s3cr3t-json-test"}', 's3cr3t-json-test'],
  ['API key', 'API_KEY=ak-s3cr3t-test-123', 'ak-s3cr3t-test-123'],
];

describe('redactText', () => {
  for (const [kind, text, secret] of SECRETS) {
    it(`masks a ${kind}`, () => {
      const out = redactText(text);
      expect(out).not.toContain(secret);
      expect(out).toContain('[REDACTED]');
    });
  }

  it('keeps ordinary diagnostic text intact', () => {
    const lines = [
      'FATAL:  password authentication failed for user "app"',
      "Access denied for user 'root'@'localhost' (using password: YES)",
      'configmap "api-config" not found',
      "couldn't find key DB_PASSWORD in Secret payments/billing-db",
      'Error: connect ECONNREFUSED 10.0.0.1:5432',
      'http://example.com:8080/healthz',
    ];
    for (const l of lines) expect(redactText(l)).toBe(l);
  });

  it('is idempotent', () => {
    for (const [, text] of SECRETS) expect(redactText(redactText(text))).toBe(redactText(text));
  });
});

describe('redactSnapshot', () => {
  it('masks secrets in logs, messages and secret-named env values, without mutating the input', () => {
    const snap = buildSnapshot({
      name: 'secrets', cause: 'auth-failure', container: 'api',
      containers: [{ name: 'api', env: [{ name: 'DB_PASSWORD', value: 'plain-s3cr3t-test' }, { name: 'LOG_LEVEL', value: 'debug' }], last: { exitCode: 1, message: 'dsn postgres://app:s3cr3t-test@db/app' } }],
      logs: { api: 'connecting with token xoxb-test-999-abcdefgh\nFATAL: password authentication failed for user "app"' },
    });
    const before = JSON.stringify(snap);
    const out = JSON.stringify(redactSnapshot(snap as never));
    expect(JSON.stringify(snap)).toBe(before);
    for (const s of ['plain-s3cr3t-test', 's3cr3t-test@', 'xoxb-test-999-abcdefgh']) expect(out).not.toContain(s);
    expect(out).toContain('debug');
  });
});

describe('no secret survives into a report', () => {
  it('masks every secret kind in every output field', () => {
    const log = SECRETS.map(([, text]) => text).join('\n') + '\nFATAL: password authentication failed for user "app"';
    const snap = buildSnapshot({
      name: 'all-secrets', cause: 'auth-failure', container: 'api',
      containers: [{ name: 'api', last: { exitCode: 1, reason: 'Error', message: log } }],
      events: [{ reason: 'Failed', message: `Error: ${SECRETS[0]?.[1] ?? ''}`, container: 'api' }],
      logs: { api: log },
    });
    const report = diagnose(snap);
    expect(report.findings.length).toBeGreaterThan(0);
    const out = JSON.stringify(report);
    for (const [, , secret] of SECRETS) expect(out).not.toContain(secret);
  });
});

describe('no secret in any fixture survives into any output field', () => {
  it('plants every secret kind into logs, status messages and events of every fixture', async () => {
    const { CASES } = await import('../fixtures/diagnostics/cases.ts');
    const planted = SECRETS.map(([, text]) => text).join('\n');
    for (const c of CASES) {
      const snap = buildSnapshot({
        ...c,
        containers: c.containers.map((x) => ({ ...x, last: x.last ? { ...x.last, message: `${x.last.message ?? ''}\n${planted}` } : x.last })),
        events: [...(c.events ?? []), ...c.containers.map((x) => ({ reason: 'Failed', message: `Error: ${planted}`, container: x.name }))],
        logs: Object.fromEntries(c.containers.map((x) => [x.name, `${c.logs?.[x.name] ?? ''}\n${planted}`])),
      });
      const out = JSON.stringify(diagnose(snap));
      for (const [kind, , secret] of SECRETS) {
        if (out.includes(secret)) throw new Error(`${c.name}: ${kind} survived into the report`);
      }
    }
    expect(CASES.length).toBeGreaterThan(40);
  });
});
