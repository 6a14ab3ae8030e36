// Opens ioredis connections for the settings in ./settings.ts: a plain client, a Sentinel-managed one
// or a Cluster. The bot's stores are written against the ioredis client API, which Cluster shares for
// every command they use (get/set/eval/multi, all on one hash-tagged slot, see keyPrefix).
import { readFileSync } from 'node:fs';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { describeRedis, type RedisSettings } from './settings.ts';

export type RedisPurpose = 'commands' | 'queue' | 'producer';

/**
 * The producer connection's options: no offline queue (a command while disconnected fails at once),
 * no resend of a command in flight when the connection dropped, no retry. What was refused is never
 * sent later (src/queue/bounded-enqueue.ts).
 */
export const PRODUCER_OPTIONS = { maxRetriesPerRequest: 0, enableOfflineQueue: false, autoResendUnfulfilledCommands: false } as const;

function tlsOptions(settings: RedisSettings): RedisOptions['tls'] {
  if (!settings.tls) return undefined;
  return settings.caFile === undefined ? {} : { ca: readFileSync(settings.caFile) };
}

/**
 * A connection. `commands` fails a command fast when Redis is down (2 retries); `queue` is BullMQ's
 * workers', which must wait (maxRetriesPerRequest null); `producer` adds jobs and never waits
 * (PRODUCER_OPTIONS).
 */
export function connectRedis(settings: RedisSettings, purpose: RedisPurpose): Redis {
  const base: RedisOptions = {
    ...(purpose === 'producer' ? PRODUCER_OPTIONS : { maxRetriesPerRequest: purpose === 'queue' ? null : 2 }),
    // The stores' commands issued in the same tick leave in one write (a job makes dozens, and each write
    // is a system call). BullMQ's connections are left as they are: they run blocking commands.
    ...(purpose === 'commands' ? { enableAutoPipelining: true } : {}),
    ...(settings.username === undefined ? {} : { username: settings.username }),
    ...(settings.password === undefined ? {} : { password: settings.password }),
  };
  const tls = tlsOptions(settings);
  if (tls !== undefined) base.tls = tls;
  const t = settings.topology;
  let client: Redis | Cluster;
  if (t.kind === 'cluster') {
    const options: ClusterOptions = { redisOptions: base, ...(purpose === 'queue' ? {} : { maxRedirections: 16 }), ...(purpose === 'producer' ? { enableOfflineQueue: false } : {}) };
    // TLS certificates name the service, not each node's announced IP.
    if (tls !== undefined) options.dnsLookup = (address, callback) => callback(null, address);
    client = new Cluster(t.nodes, options);
  } else if (t.kind === 'sentinel') {
    client = new Redis({
      ...base,
      sentinels: t.sentinels,
      name: t.masterName,
      db: t.db,
      ...(settings.sentinelPassword === undefined ? {} : { sentinelPassword: settings.sentinelPassword }),
      ...(tls === undefined ? {} : { enableTLSForSentinelMode: true, sentinelTLS: tls }),
    });
  } else {
    client = new Redis({ ...base, host: t.host, port: t.port, db: t.db });
  }
  // Errors surface through commands and /readyz; an unheard 'error' event would crash the process.
  client.on('error', () => undefined);
  // One client API for the stores (see the header): the Cluster is used through the commands they share.
  return client as Redis;
}

const AUTH_ERROR = /WRONGPASS|NOAUTH|invalid password|invalid username-password|AUTH .*without any password/i;

export class RedisAuthError extends Error {
  constructor(where: string) {
    super(`Redis at ${where} rejected the bot's credentials. Check the user and password in REDIS_URL (or REDIS_USERNAME/REDIS_PASSWORD) against the server's requirepass/ACL.`);
    this.name = 'RedisAuthError';
  }
}

/**
 * Waits for the first connection, up to `timeoutMs`. Wrong credentials throw RedisAuthError (a message
 * with the hosts, never the password); an unreachable Redis does not: the bot starts, reports it in
 * /readyz and reconnects.
 */
export function checkRedisLogin(client: Redis, settings: RedisSettings, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (client.status === 'ready') {
      resolve();
      return;
    }
    const done = (error?: Error): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onReady = (): void => done();
    const onError = (error: unknown): void => {
      const text = error instanceof Error ? `${error.name} ${error.message} ${String((error as { lastNodeError?: unknown }).lastNodeError ?? '')}` : String(error);
      if (AUTH_ERROR.test(text)) done(new RedisAuthError(describeRedis(settings)));
    };
    const timer = setTimeout(() => done(), timeoutMs);
    client.on('ready', onReady);
    client.on('error', onError);
  });
}
