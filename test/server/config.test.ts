import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, routeChannel } from '../../src/config.ts';

const base = { SLACK_BOT_TOKEN: 'xoxb-test-123', SLACK_SIGNING_SECRET: 's3cr3t-test', CLUSTER_NAME: 'prod' };

function problems(env: Record<string, string>, readFile?: (p: string) => string): string[] {
  try {
    loadConfig(env, readFile === undefined ? {} : { readFile });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(base);
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.port).toBe(3000);
    expect(config.slack.appToken).toBeUndefined();
    expect(config.clusters).toEqual(['prod']);
    expect(config.routes).toEqual([]);
  });

  it('reads every fixed variable', () => {
    const config = loadConfig({
      ...base,
      SLACK_APP_TOKEN: 'xapp-test-1',
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      REDIS_URL: 'redis://10.0.0.1:6380',
      PORT: '0',
      ALERTMANAGER_TOKEN: 'am-token-test-0123456789',
      ALERT_CHANNEL: 'C0ALERTS',
      CRASHLOOP_CLUSTERS: 'prod, staging',
      CRASHLOOP_ALLOWED_NAMESPACES: 'payments-*,web',
      CRASHLOOP_POLICY_FILE: '/etc/crashloop/policy.yaml',
    });
    expect(config.slack.appToken).toBe('xapp-test-1');
    expect(config.slack.apiUrl).toBe('http://127.0.0.1:9/api/');
    expect(config.redisUrl).toBe('redis://10.0.0.1:6380');
    expect(config.port).toBe(0);
    expect(config.alertmanagerToken).toBe('am-token-test-0123456789');
    expect(config.alertChannel).toBe('C0ALERTS');
    expect(config.clusters).toEqual(['prod', 'staging']);
    expect(config.allowedNamespaces).toEqual(['payments-*', 'web']);
    expect(config.policyFile).toBe('/etc/crashloop/policy.yaml');
  });

  it('reports every problem at once, each with a fix, never echoing a secret', () => {
    const found = problems({
      SLACK_BOT_TOKEN: 'xoxp-SECRETVALUE-user-token',
      SLACK_API_URL: 'not a url',
      REDIS_URL: 'http://wrong',
      PORT: '99999',
      ALERTMANAGER_TOKEN: 'short-SECRET',
      CLUSTER_NAME: 'bad name',
    });
    expect(found).toHaveLength(7);
    const all = found.join('\n');
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_API_URL', 'REDIS_URL', 'PORT', 'ALERTMANAGER_TOKEN', 'CLUSTER_NAME']) expect(all).toContain(name);
    expect(all).not.toContain('SECRETVALUE');
    expect(all).not.toContain('short-SECRET');
    expect(found.find((p) => p.startsWith('SLACK_BOT_TOKEN'))).toContain('OAuth & Permissions');
  });

  it('needs no signing secret for a worker, which receives no Slack requests', () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-test-123', CLUSTER_NAME: 'prod' };
    expect(loadConfig(env, { role: 'worker' }).slack.signingSecret).toBeUndefined();
    expect(() => loadConfig(env, { role: 'web' })).toThrow(/SLACK_SIGNING_SECRET is not set/);
    expect(() => loadConfig(env)).toThrow(/SLACK_SIGNING_SECRET is not set/);
  });

  it('reads the worker concurrency, and says what a bad value should be', () => {
    expect(loadConfig(base).workerConcurrency).toBeUndefined();
    expect(loadConfig({ ...base, CRASHLOOP_WORKER_CONCURRENCY: '16' }).workerConcurrency).toBe(16);
    for (const bad of ['0', '-1', 'four', '257']) {
      expect(problems({ ...base, CRASHLOOP_WORKER_CONCURRENCY: bad })).toEqual(['CRASHLOOP_WORKER_CONCURRENCY must be a whole number from 1 to 256 (default 4).']);
    }
  });

  it('needs no signing secret in Socket Mode', () => {
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-test-1', SLACK_APP_TOKEN: 'xapp-test-1' })).toEqual([]);
  });

  it('reads channel routes from YAML in the environment and from a file', () => {
    const config = loadConfig(
      {
        ...base,
        ALERT_CHANNEL: 'C0DEFAULT',
        CRASHLOOP_ROUTES: '- match: { namespace: "payments-*" }\n  channel: C0PAY\n',
        CRASHLOOP_ROUTES_FILE: '/routes.yaml',
      },
      { readFile: () => 'routes:\n  - match: { labels: { team: web }, cluster: prod }\n    channel: C0WEB\n' },
    );
    expect(routeChannel(config, { cluster: 'prod', namespace: 'payments-eu', labels: {} })).toBe('C0PAY');
    expect(routeChannel(config, { cluster: 'prod', namespace: 'shop', labels: { team: 'web' } })).toBe('C0WEB');
    expect(routeChannel(config, { cluster: 'staging', namespace: 'shop', labels: { team: 'web' } })).toBe('C0DEFAULT');
  });

  it('explains a bad or unreadable routes file', () => {
    const unreadable = problems({ ...base, CRASHLOOP_ROUTES_FILE: '/nope.yaml' }, () => {
      throw new Error('ENOENT');
    });
    expect(unreadable.join('\n')).toContain('cannot be read');
    const invalid = problems({ ...base, CRASHLOOP_ROUTES: '- match: {}\n' });
    expect(invalid.join('\n')).toContain('channel');
    const syntax = problems({ ...base, CRASHLOOP_ROUTES: '- [unclosed' });
    expect(syntax.join('\n')).toContain('not valid YAML');
  });
});
