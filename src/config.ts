// Configuration from the environment, validated with zod. Every problem is reported at once, each
// with how to fix it; secret values are never echoed back.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { keyPrefix, redisSettings, type RedisSettings } from './redis/settings.ts';

export interface ChannelRoute {
  /** Every given condition must hold. Namespace and cluster accept `*` globs. */
  match: { cluster?: string; namespace?: string; labels?: Record<string, string> };
  channel: string;
}

export interface Config {
  slack: {
    botToken: string;
    signingSecret: string | undefined;
    /** Set: Socket Mode instead of HTTP. */
    appToken: string | undefined;
    apiUrl: string;
  };
  redisUrl: string;
  /** Topology, credentials and TLS (src/redis/settings.ts); redisUrl is its single-node URL. */
  redis: RedisSettings;
  port: number;
  /** GET /metrics; port 0 = off. */
  metrics: { port: number; host: string | undefined };
  logLevel: LogLevel;
  /** SIGTERM: how long running jobs may take before they are cancelled and handed back. */
  shutdownTimeoutMs: number;
  alertmanagerToken: string | undefined;
  alertChannel: string | undefined;
  /** This process's cluster (workers), or the default cluster for commands without a prefix. */
  clusterName: string | undefined;
  /** Clusters the web role may route to; the first is the default. */
  clusters: string[];
  /** Namespace globs `/crashloop` may look at; undefined = all. */
  allowedNamespaces: string[] | undefined;
  routes: ChannelRoute[];
  /** Path of the authorization policy file the actions read; undefined = actions use their default. */
  policyFile: string | undefined;
  /** Prefix for every Redis key and BullMQ queue of this deployment (hash-tagged on Redis Cluster). */
  redisPrefix: string;
  /** Directory (or file) of operator rule packs (CRASHLOOP_RULES_DIR); undefined = none. */
  rulesDir?: string;
  /** Jobs one worker runs at once (CRASHLOOP_WORKER_CONCURRENCY); undefined = the worker's default, 4. */
  workerConcurrency?: number;
  /** The "Wrong diagnosis?" loop (docs/feedback.md): on/off, and how many labels are kept for how long. */
  feedback: { enabled: boolean; maxItems?: number; itemTtlDays?: number };
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const secret = (name: string, prefix: string | undefined, how: string) =>
  optionalText.refine((v) => v === undefined || prefix === undefined || v.startsWith(prefix), {
    message: `${name} does not look right (it should start with "${prefix ?? ''}"). ${how}`,
  });

/** Documents a variable: `crashloop help config` and docs/configuration.md are generated from these. */
const doc = <T extends z.ZodType>(schema: T, description: string, defaultValue?: string): T =>
  schema.meta({ description, ...(defaultValue === undefined ? {} : { default: defaultValue }) });

const port = (name: string, example: string) =>
  optionalText.refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) <= 65535), {
    message: `${name} must be a whole number from 0 to 65535 (e.g. ${name}=${example}).`,
  });

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const envSchema = z.object({
  SLACK_BOT_TOKEN: doc(
    secret('SLACK_BOT_TOKEN', 'xoxb-', 'Copy the Bot User OAuth Token from your app\'s "OAuth & Permissions" page.'),
    'Bot User OAuth Token (xoxb-…) from the app\'s "OAuth & Permissions" page. Required.',
  ),
  SLACK_SIGNING_SECRET: doc(optionalText, 'Signing Secret from the app\'s "Basic Information" page. Required over HTTP (web and all roles); unused in Socket Mode and by workers.'),
  SLACK_APP_TOKEN: doc(
    secret('SLACK_APP_TOKEN', 'xapp-', 'Create an app-level token with the connections:write scope under "Basic Information", or unset it to use HTTP.'),
    'App-level token (xapp-…, scope connections:write). Set: Socket Mode, no public URL needed; unset: HTTP.',
  ),
  SLACK_API_URL: doc(
    optionalText.pipe(z.url({ message: 'SLACK_API_URL must be a URL such as https://slack.com/api/ (unset it to use Slack).' }).optional()),
    'Base URL of the Slack Web API (tests point it at a local server).',
    'https://slack.com/api/',
  ),
  REDIS_URL: doc(
    optionalText.refine((v) => v === undefined || /^rediss?:\/\//.test(v), {
      message: 'REDIS_URL must start with redis:// or rediss:// (e.g. redis://127.0.0.1:6379).',
    }),
    'One Redis node: redis://[user:password@]host:port[/db]; rediss:// for TLS. Percent-encode special characters in the password. Ignored for the host when REDIS_SENTINELS or REDIS_CLUSTER_NODES is set (its credentials and TLS still apply).',
    'redis://127.0.0.1:6379',
  ),
  REDIS_USERNAME: doc(optionalText, 'Redis ACL user; overrides the one in REDIS_URL.'),
  REDIS_PASSWORD: doc(optionalText, 'Redis password (requirepass or the ACL user\'s); overrides the one in REDIS_URL, so a Secret can hold it alone.'),
  REDIS_TLS: doc(optionalText, 'true: connect with TLS (implied by rediss://); for Sentinel and Cluster, where there is no URL.', 'false'),
  REDIS_TLS_CA_FILE: doc(optionalText, 'PEM file of the CA that signed the Redis server certificate (default: the system CAs).'),
  REDIS_SENTINELS: doc(optionalText, 'Sentinel mode: the Sentinels as host:port,host:port (port default 26379).'),
  REDIS_SENTINEL_MASTER: doc(optionalText, 'Sentinel mode: the name of the master set.', 'mymaster'),
  REDIS_SENTINEL_PASSWORD: doc(optionalText, 'Sentinel mode: the Sentinels\' own password, when they have one.'),
  REDIS_CLUSTER_NODES: doc(optionalText, 'Redis Cluster mode: some of the cluster\'s nodes as host:port,host:port (the rest are discovered). Keys get the hash-tagged prefix {CRASHLOOP_REDIS_PREFIX}.'),
  PORT: doc(port('PORT', '3000'), 'HTTP port of POST /slack/events, POST /alertmanager, /healthz and /readyz (0: a free port).', '3000'),
  METRICS_PORT: doc(port('METRICS_PORT', '9464'), 'Port of GET /metrics (Prometheus), apart from the public port; 0 turns the metrics endpoint off.', '9464'),
  METRICS_HOST: doc(optionalText, 'Address GET /metrics binds to, e.g. 127.0.0.1 to keep it local.', 'all interfaces'),
  LOG_LEVEL: doc(
    optionalText.refine((v) => v === undefined || (LOG_LEVELS as readonly string[]).includes(v), {
      message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}.`,
    }),
    `Level of the JSON logs on stderr: ${LOG_LEVELS.join(', ')}.`,
    'info',
  ),
  SHUTDOWN_TIMEOUT_SECONDS: doc(
    optionalText.refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 3600), {
      message: 'SHUTDOWN_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 3600 (e.g. 20).',
    }),
    'On SIGTERM, how long running diagnosis jobs may take to finish before they are cancelled and handed back to the queue. Keep it below the pod\'s terminationGracePeriodSeconds.',
    '20',
  ),
  ALERTMANAGER_TOKEN: doc(
    optionalText.refine((v) => v === undefined || v.length >= 16, {
      message: 'ALERTMANAGER_TOKEN is too short: use at least 16 random characters (e.g. `openssl rand -hex 24`).',
    }),
    'Bearer token Alertmanager must send to POST /alertmanager (at least 16 characters). Unset: the route is off.',
  ),
  ALERT_CHANNEL: doc(
    optionalText.refine((v) => v === undefined || /^[CGD][A-Z0-9]{2,}$/.test(v) || /^#?[a-z0-9._-]+$/.test(v), {
      message: 'ALERT_CHANNEL must be a channel id such as C0123ABCD (right-click the channel > Copy link).',
    }),
    'Channel id (C0123ABCD) for alert reports no route matches.',
  ),
  CLUSTER_NAME: doc(
    optionalText.refine((v) => v === undefined || /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(v), {
      message: 'CLUSTER_NAME may hold letters, digits, ".", "_" and "-" only (e.g. prod-eu).',
    }),
    'This worker\'s cluster, and the default cluster of commands without a cluster prefix.',
    'the kube context name, else in-cluster',
  ),
  CRASHLOOP_CLUSTERS: doc(optionalText, 'Clusters the web role routes to, comma-separated; the first is the default.', 'CLUSTER_NAME'),
  CRASHLOOP_ALLOWED_NAMESPACES: doc(optionalText, 'Namespace globs /crashloop may look at, comma-separated (e.g. prod-*,payments).', 'all'),
  CRASHLOOP_ROUTES: doc(optionalText, 'Channel routes as YAML (a list of { match: { namespace, labels, cluster }, channel }).'),
  CRASHLOOP_ROUTES_FILE: doc(optionalText, 'File holding channel routes as YAML, added after CRASHLOOP_ROUTES.'),
  CRASHLOOP_POLICY_FILE: doc(optionalText, 'Authorization policy file (YAML) for reads and actions; see docs/actions.md.'),
  CRASHLOOP_RULES_DIR: doc(
    optionalText,
    'Operator rule packs: a directory of *.yaml pack files (or one file) whose log signatures extend the built-in library; validated at start-up (docs/rule-packs.md). The Helm chart mounts rulePacks here.',
  ),
  CRASHLOOP_REDIS_PREFIX: doc(optionalText, 'Prefix of every Redis key and BullMQ queue of this deployment (two deployments on one Redis need different ones).', 'crashloop'),
  CRASHLOOP_WORKER_CONCURRENCY: doc(
    optionalText.refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 256), {
      message: 'CRASHLOOP_WORKER_CONCURRENCY must be a whole number from 1 to 256 (default 4).',
    }),
    'Diagnosis jobs one worker runs at once (1-256); figures per value in docs/benchmarks.md.',
    '4',
  ),
  CRASHLOOP_FEEDBACK: doc(
    optionalText.refine((v) => v === undefined || /^(on|off|true|false)$/i.test(v), { message: 'CRASHLOOP_FEEDBACK must be on or off.' }),
    'The "Wrong diagnosis?" button: on keeps each report\'s redacted snapshot (24 h) so readers can label it; off keeps nothing and shows no button. See docs/feedback.md.',
    'on',
  ),
  CRASHLOOP_FEEDBACK_MAX_ITEMS: doc(
    optionalText.refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 10_000), {
      message: 'CRASHLOOP_FEEDBACK_MAX_ITEMS must be a whole number from 1 to 10000 (default 200).',
    }),
    'Labels ("Wrong diagnosis?") kept at most (1-10000; the oldest go first), each up to about 260 KiB.',
    '200',
  ),
  CRASHLOOP_FEEDBACK_TTL_DAYS: doc(
    optionalText.refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 365), {
      message: 'CRASHLOOP_FEEDBACK_TTL_DAYS must be a whole number of days from 1 to 365 (default 30).',
    }),
    'Days a label is kept for `crashloop feedback export` (1-365).',
    '30',
  ),
});

const routeSchema = z.object({
  match: z
    .object({
      cluster: z.string().optional(),
      namespace: z.string().optional(),
      labels: z.record(z.string(), z.string()).optional(),
    })
    .default({}),
  channel: z.string().min(1),
});
const routesSchema = z.union([z.array(routeSchema), z.object({ routes: z.array(routeSchema) }).transform((v) => v.routes)]);

export type Env = Record<string, string | undefined>;

export interface LoadOptions {
  /** Reads the routes file; injectable for tests. */
  readFile?: (path: string) => string;
  /** The role being started: a worker receives no Slack requests, so it needs no signing secret. */
  role?: 'all' | 'web' | 'worker';
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return items.length === 0 ? undefined : items;
}

function parseRoutes(source: string, where: string, problems: string[]): ChannelRoute[] {
  let data: unknown;
  try {
    data = parseYaml(source);
  } catch (error) {
    problems.push(`${where} is not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : 'parse error'}). Fix the syntax; see docs/install.md.`);
    return [];
  }
  if (data === null || data === undefined) return [];
  const parsed = routesSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${where}: ${issue.path.join('.') || '(top)'}: ${issue.message}. Expected a list of { match: { namespace, labels, cluster }, channel }.`);
    }
    return [];
  }
  return parsed.data;
}

/** Validates the environment. Throws ConfigError listing every problem. */
export function loadConfig(env: Env = process.env, options: LoadOptions = {}): Config {
  const problems: string[] = [];
  // Field by field, so one bad value does not hide the others.
  const e: Partial<Record<keyof typeof envSchema.shape, string>> = {};
  for (const key of Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[]) {
    const result = envSchema.shape[key].safeParse(env[key]);
    if (result.success) {
      if (result.data !== undefined) e[key] = result.data;
    } else {
      for (const issue of result.error.issues) problems.push(issue.message);
    }
  }

  if (env.SLACK_BOT_TOKEN === undefined || env.SLACK_BOT_TOKEN.trim() === '') {
    problems.push('SLACK_BOT_TOKEN is not set. Copy the Bot User OAuth Token (xoxb-…) from your app\'s "OAuth & Permissions" page.');
  }
  const socketMode = env.SLACK_APP_TOKEN !== undefined && env.SLACK_APP_TOKEN.trim() !== '';
  if (!socketMode && options.role !== 'worker' && (env.SLACK_SIGNING_SECRET === undefined || env.SLACK_SIGNING_SECRET.trim() === '')) {
    problems.push('SLACK_SIGNING_SECRET is not set. Copy the Signing Secret from your app\'s "Basic Information" page (or set SLACK_APP_TOKEN to use Socket Mode).');
  }

  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  let routes: ChannelRoute[] = [];
  if (e.CRASHLOOP_ROUTES !== undefined) routes = parseRoutes(e.CRASHLOOP_ROUTES, 'CRASHLOOP_ROUTES', problems);
  if (e.CRASHLOOP_ROUTES_FILE !== undefined) {
    let text: string | undefined;
    try {
      text = readFile(e.CRASHLOOP_ROUTES_FILE);
    } catch {
      problems.push(`CRASHLOOP_ROUTES_FILE points at ${e.CRASHLOOP_ROUTES_FILE}, which cannot be read. Check the path and the file's permissions.`);
    }
    if (text !== undefined) routes = [...routes, ...parseRoutes(text, `CRASHLOOP_ROUTES_FILE (${e.CRASHLOOP_ROUTES_FILE})`, problems)];
  }

  const clusters = list(e.CRASHLOOP_CLUSTERS) ?? (e.CLUSTER_NAME === undefined ? [] : [e.CLUSTER_NAME]);
  for (const name of clusters) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) problems.push(`CRASHLOOP_CLUSTERS holds "${name}", which is not a valid cluster name (letters, digits, ".", "_", "-").`);
  }
  if (e.CLUSTER_NAME !== undefined && e.CRASHLOOP_CLUSTERS !== undefined && !clusters.includes(e.CLUSTER_NAME)) {
    problems.push(`CLUSTER_NAME "${e.CLUSTER_NAME}" is not listed in CRASHLOOP_CLUSTERS; add it there.`);
  }

  const redis = redisSettings(
    {
      url: e.REDIS_URL,
      username: e.REDIS_USERNAME,
      password: e.REDIS_PASSWORD,
      tls: e.REDIS_TLS,
      caFile: e.REDIS_TLS_CA_FILE,
      sentinels: e.REDIS_SENTINELS,
      sentinelMaster: e.REDIS_SENTINEL_MASTER,
      sentinelPassword: e.REDIS_SENTINEL_PASSWORD,
      clusterNodes: e.REDIS_CLUSTER_NODES,
    },
    problems,
  );

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN ?? '',
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL ?? 'https://slack.com/api/',
    },
    redisUrl: e.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redis,
    port: e.PORT === undefined ? 3000 : Number(e.PORT),
    metrics: { port: e.METRICS_PORT === undefined ? 9464 : Number(e.METRICS_PORT), host: e.METRICS_HOST },
    logLevel: (e.LOG_LEVEL as LogLevel | undefined) ?? 'info',
    shutdownTimeoutMs: (e.SHUTDOWN_TIMEOUT_SECONDS === undefined ? 20 : Number(e.SHUTDOWN_TIMEOUT_SECONDS)) * 1000,
    alertmanagerToken: e.ALERTMANAGER_TOKEN,
    alertChannel: e.ALERT_CHANNEL,
    clusterName: e.CLUSTER_NAME,
    clusters,
    allowedNamespaces: list(e.CRASHLOOP_ALLOWED_NAMESPACES),
    routes,
    policyFile: e.CRASHLOOP_POLICY_FILE,
    redisPrefix: keyPrefix(e.CRASHLOOP_REDIS_PREFIX ?? 'crashloop', redis),
    ...(e.CRASHLOOP_WORKER_CONCURRENCY === undefined ? {} : { workerConcurrency: Number(e.CRASHLOOP_WORKER_CONCURRENCY) }),
    ...(e.CRASHLOOP_RULES_DIR === undefined ? {} : { rulesDir: e.CRASHLOOP_RULES_DIR }),
    feedback: {
      enabled: !/^(off|false)$/i.test(e.CRASHLOOP_FEEDBACK ?? 'on'),
      ...(e.CRASHLOOP_FEEDBACK_MAX_ITEMS === undefined ? {} : { maxItems: Number(e.CRASHLOOP_FEEDBACK_MAX_ITEMS) }),
      ...(e.CRASHLOOP_FEEDBACK_TTL_DAYS === undefined ? {} : { itemTtlDays: Number(e.CRASHLOOP_FEEDBACK_TTL_DAYS) }),
    },
  };
}

export interface ConfigVariable {
  name: string;
  description: string;
  default: string | undefined;
}

/** Every variable of the schema with its description and default, in schema order. */
export function configVariables(): ConfigVariable[] {
  return Object.entries(envSchema.shape).map(([name, schema]) => {
    const meta = schema.meta() as { description?: string; default?: string } | undefined;
    return { name, description: meta?.description ?? '', default: meta?.default };
  });
}

/** Glob with `*` only, anchored. */
export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}

/** The channel for an alert or report: the first matching route, else ALERT_CHANNEL. */
export function routeChannel(
  config: Pick<Config, 'routes' | 'alertChannel'>,
  target: { cluster?: string; namespace?: string; labels?: Record<string, string> },
): string | undefined {
  for (const route of config.routes) {
    const m = route.match;
    if (m.cluster !== undefined && (target.cluster === undefined || !globMatch(m.cluster, target.cluster))) continue;
    if (m.namespace !== undefined && (target.namespace === undefined || !globMatch(m.namespace, target.namespace))) continue;
    if (m.labels !== undefined && !Object.entries(m.labels).every(([k, v]) => target.labels?.[k] === v)) continue;
    return route.channel;
  }
  return config.alertChannel;
}
