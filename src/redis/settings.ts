// Where Redis is and how to log in: one node (REDIS_URL, `rediss://` for TLS), Sentinel
// (REDIS_SENTINELS + REDIS_SENTINEL_MASTER) or Cluster (REDIS_CLUSTER_NODES). Credentials come from the
// URL or from REDIS_USERNAME/REDIS_PASSWORD (which win, so a Secret can hold the password alone).
// Nothing here ever puts a password into a message.

export interface HostPort {
  host: string;
  port: number;
}

export type RedisTopology =
  | { kind: 'single'; host: string; port: number; db: number }
  | { kind: 'sentinel'; sentinels: HostPort[]; masterName: string; db: number }
  | { kind: 'cluster'; nodes: HostPort[] };

export interface RedisSettings {
  topology: RedisTopology;
  username: string | undefined;
  password: string | undefined;
  /** Password of the Sentinels themselves, when they have one. */
  sentinelPassword: string | undefined;
  tls: boolean;
  /** PEM file of the CA that signed the server's certificate (default: the system's CAs). */
  caFile: string | undefined;
}

export interface RedisEnv {
  url: string | undefined;
  username: string | undefined;
  password: string | undefined;
  tls: string | undefined;
  caFile: string | undefined;
  sentinels: string | undefined;
  sentinelMaster: string | undefined;
  sentinelPassword: string | undefined;
  clusterNodes: string | undefined;
}

/** `host:port,host:port` (IPv6 as `[::1]:6379`); the default port is 6379 (26379 for Sentinels). */
export function parseHostList(value: string, name: string, defaultPort: number, problems: string[]): HostPort[] {
  const out: HostPort[] = [];
  for (const item of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+))(?::(\d{1,5}))?$/.exec(item);
    const port = m?.[3] === undefined ? defaultPort : Number(m[3]);
    if (m === null || port < 1 || port > 65535) {
      problems.push(`${name} holds "${item}", which is not host:port (e.g. ${name}=redis-0.redis:${defaultPort},redis-1.redis:${defaultPort}).`);
      continue;
    }
    out.push({ host: m[1] ?? m[2] ?? '', port });
  }
  if (out.length === 0 && problems.length === 0) problems.push(`${name} lists no host: give host:port pairs separated by commas.`);
  return out;
}

/** Builds the settings; problems are phrased without any secret. */
export function redisSettings(env: RedisEnv, problems: string[]): RedisSettings {
  let url: URL | undefined;
  if (env.url !== undefined) {
    try {
      url = new URL(env.url);
    } catch {
      problems.push('REDIS_URL is not a valid URL: use redis://[user:password@]host:port[/db] or rediss:// for TLS (percent-encode special characters in the password).');
    }
  }
  const fromUrl = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : decodeURIComponent(value));
  const db = url !== undefined && /^\/\d+$/.test(url.pathname) ? Number(url.pathname.slice(1)) : 0;
  const tlsFlag = env.tls === undefined ? undefined : /^(1|true|yes|on)$/i.test(env.tls);
  if (env.tls !== undefined && !/^(1|true|yes|on|0|false|no|off)$/i.test(env.tls)) problems.push('REDIS_TLS must be true or false.');

  let topology: RedisTopology;
  if (env.clusterNodes !== undefined) {
    if (env.sentinels !== undefined) problems.push('Set either REDIS_CLUSTER_NODES or REDIS_SENTINELS, not both.');
    topology = { kind: 'cluster', nodes: parseHostList(env.clusterNodes, 'REDIS_CLUSTER_NODES', 6379, problems) };
  } else if (env.sentinels !== undefined) {
    topology = { kind: 'sentinel', sentinels: parseHostList(env.sentinels, 'REDIS_SENTINELS', 26379, problems), masterName: env.sentinelMaster ?? 'mymaster', db };
  } else {
    const host = url?.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
    topology = { kind: 'single', host, port: url?.port ? Number(url.port) : 6379, db };
  }
  return {
    topology,
    username: env.username ?? fromUrl(url?.username),
    password: env.password ?? fromUrl(url?.password),
    sentinelPassword: env.sentinelPassword,
    tls: tlsFlag ?? url?.protocol === 'rediss:',
    caFile: env.caFile,
  };
}

/** Where Redis is, for messages and logs: hosts only, never credentials. */
export function describeRedis(settings: RedisSettings): string {
  const hosts = (list: HostPort[]): string => list.map((h) => `${h.host}:${h.port}`).join(',');
  const t = settings.topology;
  const where = t.kind === 'single' ? `${t.host}:${t.port}` : t.kind === 'sentinel' ? `sentinel ${t.masterName}@${hosts(t.sentinels)}` : `cluster ${hosts(t.nodes)}`;
  return `${where}${settings.tls ? ' (TLS)' : ''}`;
}

/**
 * The key prefix of every BullMQ queue and bot key. On Cluster it is a hash tag (`{crashloop}`), so a
 * queue's keys and the bot's multi-key scripts stay in one slot, as BullMQ and the Lua scripts need.
 */
export function keyPrefix(prefix: string, settings: RedisSettings): string {
  if (settings.topology.kind !== 'cluster' || /\{[^}]+\}/.test(prefix)) return prefix;
  return `{${prefix}}`;
}
