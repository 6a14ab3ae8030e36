import { describe, expect, it } from 'vitest';
import { diagnose, redactSnapshot, redactText } from '../../diagnostics/index.ts';
import { redactArgv, redactTail } from '../../diagnostics/redact.ts';
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
  ['Azure storage connection string', 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Zm9vYmFyVEVTVGtleTEyMzQ1Njc4OTA=;EndpointSuffix=core.windows.net', 'Zm9vYmFyVEVTVGtleTEyMzQ1Njc4OTA='],
  ['Azure SAS signature', 'GET https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sr=b&sig=TeStSiG%2Bfake%3D&se=2026-12-01', 'TeStSiG%2Bfake%3D'],
  ['--password flag with a space', 'exec app --db-password NewHunter2-test --port 80', 'NewHunter2-test'],
  ['--password= flag', 'exec app --password=Hunter3-test', 'Hunter3-test'],
  ['mysql -p', 'mysqladmin -uroot -pHunter4-test ping', 'Hunter4-test'],
  ['URL password with / and @', 'dial postgres://app:pa/ss@w0rd-test@db:5432/app?sslmode=disable', 'pa/ss@w0rd-test'],
  ['Slack webhook URL', 'posting to https://hooks.slack.com/services/T0TEST000/B0TEST000/TESTtestTESTtest1234', 'TESTtestTESTtest1234'],
  ['GitLab token', 'git clone https://oauth2:glpat-TESTtestTESTtest1234@gitlab.example/x.git', 'glpat-TESTtestTESTtest1234'],
  ['Stripe secret key', 'stripe error with sk_live_TESTtestTESTtest1234', 'TESTtestTESTtest1234'],
  ['Stripe restricted key', 'key rk_live_TESTtestTESTtest5678 revoked', 'TESTtestTESTtest5678'],
  ['Google API key', 'maps: AIzaSyTEST-test_TESTtestTESTtest1234567 is invalid', 'AIzaSyTEST-test_TESTtestTESTtest1234567'],
  ['SendGrid key', 'sendgrid SG.TESTtestTESTtest1234.TESTtestTESTtestTESTtest5678 rejected', 'TESTtestTESTtestTESTtest5678'],
  ['base64 under a credential-like name', 'auths: {"reg.example": {"auth": "dXNlcjpURVNUcGFzc3dvcmQx"}}', 'dXNlcjpURVNUcGFzc3dvcmQx'],
  ['pass=', 'smtp pass=Hunter5-test host=mail', 'Hunter5-test'],
  ['credentials=', 'credentials=Hunter6-test;region=eu', 'Hunter6-test'],
  ['quoted value with spaces', 'password="hunter 2-test" user=app', 'hunter 2-test'],
  ['argv printed as JSON', 'args: ["--db-password", "JsonHunter7-test", "--port", "80"]', 'JsonHunter7-test'],
  ['rollback diff', '--db-password NewHunter2-test → --db-password OldHunter2-test', 'Hunter2-test'],
  ['single-quoted value with spaces', "DB_PASS='correct horse-test' x", 'correct horse-test'],
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

  it('leaves no fragment of a quoted value with spaces', () => {
    expect(redactText('password="hunter 2" user=app')).toBe('password="[REDACTED]" user=app');
    expect(redactText('{"password":"a \\"b\\" c","u":1}')).toBe('{"password":"[REDACTED]","u":1}');
    expect(redactText('password="unterminated secret 2\nnext line')).toBe('password="[REDACTED]\nnext line');
  });

  it('masks a token under a secret-named key without a stray bracket', () => {
    expect(redactText('SLACK_BOT_TOKEN=xoxb-1234567890-abcdefghij')).toBe('SLACK_BOT_TOKEN=[REDACTED]');
    expect(redactText('token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLXRlc3Q')).toBe('token=[REDACTED]');
    expect(redactText('mysql -uroot -pHunter2 -h db')).toBe('mysql -uroot -p[REDACTED] -h db');
  });

  it('does not mistake look-alikes for secrets', () => {
    for (const l of ['bypass=true passed=3 signal=9 key=a', 'https://host:8080/a@b', 'docker run -p8080:80 nginx', 'token: [REDACTED]', 'git clone https://github.com/@scope/x']) {
      expect(redactText(l)).toBe(l);
    }
  });

  it('is idempotent', () => {
    for (const [, text] of SECRETS) expect(redactText(redactText(text))).toBe(redactText(text));
  });
});

describe('redactArgv', () => {
  it('masks the word after a secret-named flag and glued mysql passwords', () => {
    expect(redactArgv(['--db-password', 'NewHunter2', '--port', '80'])).toEqual(['--db-password', '[REDACTED]', '--port', '80']);
    expect(redactArgv(['mysql', '-uroot', '-pHunter2'])).toEqual(['mysql', '-uroot', '-p[REDACTED]']);
    expect(redactArgv(['--token=abc-123', 'serve'])).toEqual(['--token=[REDACTED]', 'serve']);
  });
});

describe('redactTail', () => {
  it('keeps the last lines only, cut at a line start, and redacts them', () => {
    const log = `${'x'.repeat(100)}\nold password=a1\nnew password=b2\n`;
    const out = redactTail(log, 20);
    expect(out.text).toBe('new password=[REDACTED]\n');
    expect(out.omitted).toBe(log.length - out.text.length + '[REDACTED]'.length - 2);
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
