// REDIS_* variables -> topology, credentials, TLS and key prefix; problems never carry a secret.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Env } from '../../src/config.ts';
import { describeRedis } from '../../src/redis/settings.ts';

const base: Env = { SLACK_BOT_TOKEN: 'xoxb-test-0000', SLACK_SIGNING_SECRET: 's3cr3t-test' };
const load = (env: Env) => loadConfig({ ...base, ...env });

describe('Redis settings', () => {
  it('defaults to one local node without credentials', () => {
    const c = load({});
    expect(c.redis).toMatchObject({ topology: { kind: 'single', host: '127.0.0.1', port: 6379, db: 0 }, tls: false, password: undefined });
    expect(c.redisPrefix).toBe('crashloop');
  });

  it('reads user, percent-encoded password, db and TLS from the URL', () => {
    const c = load({ REDIS_URL: 'rediss://bot:p%40ss%2Fword@redis.example:6380/2' });
    expect(c.redis).toMatchObject({ topology: { kind: 'single', host: 'redis.example', port: 6380, db: 2 }, username: 'bot', password: 'p@ss/word', tls: true });
    expect(describeRedis(c.redis)).toBe('redis.example:6380 (TLS)');
  });

  it('Sentinel: hosts with default port 26379, master name, sentinel password', () => {
    const c = load({ REDIS_SENTINELS: 's-0:26380, s-1', REDIS_SENTINEL_MASTER: 'bot', REDIS_SENTINEL_PASSWORD: 'fake-sentinel', REDIS_PASSWORD: 'fake-data' });
    expect(c.redis.topology).toEqual({ kind: 'sentinel', sentinels: [{ host: 's-0', port: 26380 }, { host: 's-1', port: 26379 }], masterName: 'bot', db: 0 });
    expect(c.redis).toMatchObject({ sentinelPassword: 'fake-sentinel', password: 'fake-data' });
    expect(c.redisPrefix).toBe('crashloop');
  });

  it('Cluster: nodes, TLS by flag, and a hash-tagged prefix', () => {
    const c = load({ REDIS_CLUSTER_NODES: '10.0.0.1:7000,[::1]:7001', REDIS_TLS: 'true', CRASHLOOP_REDIS_PREFIX: 'team-a' });
    expect(c.redis.topology).toEqual({ kind: 'cluster', nodes: [{ host: '10.0.0.1', port: 7000 }, { host: '::1', port: 7001 }] });
    expect(c.redis.tls).toBe(true);
    expect(c.redisPrefix).toBe('{team-a}');
    expect(load({ REDIS_CLUSTER_NODES: 'r:6379', CRASHLOOP_REDIS_PREFIX: '{mine}:x' }).redisPrefix).toBe('{mine}:x');
  });

  it('reports bad values without echoing the password', () => {
    const attempt = (): unknown => load({ REDIS_URL: 'redis://:fake-secret-77@', REDIS_CLUSTER_NODES: 'good:1,bad host', REDIS_SENTINELS: 'x', REDIS_TLS: 'maybe' });
    expect(attempt).toThrow(ConfigError);
    const problems = (() => {
      try {
        attempt();
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    })();
    expect(problems.join('\n')).toMatch(/REDIS_CLUSTER_NODES holds "bad host"/);
    expect(problems.join('\n')).toMatch(/either REDIS_CLUSTER_NODES or REDIS_SENTINELS/);
    expect(problems.join('\n')).toMatch(/REDIS_TLS must be true or false/);
    expect(problems.join('\n')).not.toContain('fake-secret-77');
  });
});
