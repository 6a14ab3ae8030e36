// `crashloop feedback export [--out DIR] [--since WHEN]`: the diagnoses marked wrong in Slack, written as
// corpus fixtures (`<DIR>/<cause>/feedback-<id>.json`, the shape of test/fixtures/corpus/<cause>/*.json:
// the redacted snapshot plus `expected`), so each mistake seen in production becomes a test case.
// Reads Redis as the bot does (REDIS_URL…, CRASHLOOP_REDIS_PREFIX); never writes to it.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { connectRedis, RedisAuthError } from '../redis/connect.ts';
import { describeRedis, keyPrefix, redisSettings } from '../redis/settings.ts';
import { createFeedbackStore } from '../feedback/store.ts';
import type { FeedbackItem } from '../feedback/types.ts';
import { withTimeout } from '../queue/with-timeout.ts';
import { CliError, EXIT } from './exit-codes.ts';

interface Io {
  stdout: { write(chunk: string): unknown };
  env: NodeJS.ProcessEnv;
}

export interface ExportOptions {
  out: string;
  since?: Date;
  /** How long Redis may take to answer (default 5 s). */
  timeoutMs?: number;
}

/** The fixture for one stored item: what the corpus loader and the engine read. */
export function fixtureOf(item: FeedbackItem): Record<string, unknown> {
  const said = item.engine.cause === 'none' ? 'found no crash' : `said ${item.engine.cause}${item.engine.container === '' ? '' : ` (container ${item.engine.container})`}`;
  const note = `Marked wrong in Slack on ${item.markedAt.slice(0, 10)} (${item.cluster}/${item.namespace}/${item.pod}); the engine ${said}.${item.expected.note === '' ? '' : ` ${item.expected.note}`}`;
  return { ...item.snapshot, expected: { cause: item.expected.cause, container: item.expected.container, source: `feedback:${item.id}`, note } };
}

/** `--since`: an ISO date or time, or a duration back from now (`30m`, `12h`, `7d`, `2w`). */
export function parseSince(value: string, now: Date = new Date()): Date {
  const relative = /^(\d{1,6})([smhdw])$/.exec(value.trim());
  if (relative !== null) {
    const unit = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[relative[2] as 's' | 'm' | 'h' | 'd' | 'w'];
    return new Date(now.getTime() - Number(relative[1]) * unit * 1000);
  }
  const at = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim()) ? Date.parse(value.trim()) : Number.NaN;
  if (!Number.isFinite(at)) throw new CliError(EXIT.USAGE, `--since must be a date (2026-01-31, 2026-01-31T12:00:00Z) or a duration (30m, 12h, 7d, 2w), not "${value}". Run \`crashloop --help\` for usage.`);
  return new Date(at);
}

export async function feedbackExport(options: ExportOptions, io: Io): Promise<number> {
  const env = io.env;
  const problems: string[] = [];
  const settings = redisSettings(
    {
      url: env.REDIS_URL,
      username: env.REDIS_USERNAME,
      password: env.REDIS_PASSWORD,
      tls: env.REDIS_TLS,
      caFile: env.REDIS_TLS_CA_FILE,
      sentinels: env.REDIS_SENTINELS,
      sentinelMaster: env.REDIS_SENTINEL_MASTER,
      sentinelPassword: env.REDIS_SENTINEL_PASSWORD,
      clusterNodes: env.REDIS_CLUSTER_NODES,
    },
    problems,
  );
  if (problems.length > 0) throw new CliError(EXIT.USAGE, `The Redis settings are invalid:\n- ${problems.join('\n- ')}`);
  const prefix = keyPrefix(env.CRASHLOOP_REDIS_PREFIX ?? 'crashloop', settings);
  const where = describeRedis(settings);
  const redis = connectRedis(settings, 'commands');
  let items: FeedbackItem[];
  try {
    const timeoutMs = options.timeoutMs ?? 5000;
    try {
      await withTimeout(redis.ping(), timeoutMs, 'Redis');
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      if (error instanceof RedisAuthError || /WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(text)) {
        throw new CliError(EXIT.REDIS, `Redis at ${where} rejected the credentials. Check REDIS_URL (or REDIS_USERNAME/REDIS_PASSWORD).`);
      }
      throw new CliError(EXIT.REDIS, `Redis at ${where} is not reachable, so no feedback could be read. Set REDIS_URL (and CRASHLOOP_REDIS_PREFIX) to the bot's Redis, e.g. through \`kubectl port-forward\`.`);
    }
    items = await withTimeout(createFeedbackStore(redis, { prefix }).list(options.since), 60_000, 'Reading the feedback from Redis').catch((error: unknown) => {
      throw new CliError(EXIT.REDIS, `Reading the feedback from Redis at ${where} failed: ${error instanceof Error ? error.message : String(error)}.`);
    });
  } finally {
    redis.disconnect();
  }

  const out = resolve(options.out);
  let written = 0;
  let unchanged = 0;
  for (const item of items) {
    const dir = join(out, item.expected.cause);
    const file = join(dir, `feedback-${item.id}.json`);
    const json = `${JSON.stringify(fixtureOf(item), null, 2)}\n`;
    try {
      const previous = await readFile(file, 'utf8').catch(() => undefined);
      if (previous === json) {
        unchanged += 1;
        continue;
      }
      await mkdir(dir, { recursive: true });
      await writeFile(file, json, 'utf8');
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : '';
      throw new CliError(EXIT.OUTPUT, `Cannot write ${file}${code === '' ? '' : ` (${code})`}: choose another --out directory.`);
    }
    written += 1;
    io.stdout.write(`${file}\n`);
  }
  const since = options.since === undefined ? '' : ` since ${options.since.toISOString()}`;
  io.stdout.write(
    items.length === 0
      ? `No diagnosis was marked wrong${since} (labels are kept for 30 days at most).\n`
      : `${written} fixture${written === 1 ? '' : 's'} written, ${unchanged} unchanged, under ${out}${since}. Check each with \`crashloop diagnose --snapshot FILE\`; move them under test/fixtures/corpus/ (or a hold-out) to make them tests.\n`,
  );
  return EXIT.OK;
}
