// POST /alertmanager: Alertmanager's webhook receiver. A plain Node (req, res) handler, so it mounts as
// a Bolt customRoute or on any http.Server. authorize (bearer, constant time) -> read (size-capped)
// -> parse (zod) -> record (Redis + BullMQ + the Slack outbox; failure = 503 so Alertmanager retries)
// -> 200. It never waits for Slack: the outbox posts later, at the channel's pace.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import { bullmqEnqueue } from '../src/alertmanager/bullmq-enqueue.ts';
import { createStormTracker } from '../src/incidents/storm.ts';
import { createAlertIngest, type AlertIngest, type IncidentOutbox, type IngestSummary } from '../src/alertmanager/ingest.ts';
import { parseWebhook } from '../src/alertmanager/schema.ts';
import { routeChannel, type Config } from '../src/config.ts';
import { createIncidentStore } from '../src/incidents/store.ts';
import type { Queue } from 'bullmq';
import type { DiagnosisJobData } from '../src/queue/types.ts';
import type { Route } from '../src/server/routes.ts';
import { withTimeout } from '../src/queue/with-timeout.ts';
import type { Metrics } from '../src/metrics/metrics.ts';

export interface AlertmanagerHandlerDeps {
  /** ALERTMANAGER_TOKEN. */
  token: string;
  ingest: AlertIngest;
  /** Default 1 MiB. */
  maxBodyBytes?: number;
  /** Budget for the durable part; past it the answer is 503 (Alertmanager retries; retries are idempotent). Default 10 s. */
  recordTimeoutMs?: number;
  log?: (message: string, error?: unknown) => void;
  /** Counts received, ignored (by reason) and coalesced alerts of every recorded payload. */
  metrics?: Metrics;
}

class BodyTooLarge extends Error {}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time comparison: equal-length SHA-256 digests, so neither content nor length leaks. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const presented = match?.[1] ?? '';
  const equal = timingSafeEqual(digest(presented), digest(token));
  return equal && presented !== '';
}

function send(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Stops reading an over-long body without leaving the client stuck writing into a dead socket. */
function discardRest(req: IncomingMessage, res: ServerResponse, limit: number): void {
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > 16 * limit) req.destroy();
  });
  req.resume();
  res.on('finish', () => {
    if (!req.complete) setTimeout(() => req.destroy(), 1000).unref();
  });
}

export function alertmanagerHandler(deps: AlertmanagerHandlerDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  if (deps.token === '') throw new Error('ALERTMANAGER_TOKEN is empty: set it before mounting POST /alertmanager.');
  const limit = deps.maxBodyBytes ?? 1024 * 1024;
  const recordTimeoutMs = deps.recordTimeoutMs ?? 10_000;
  const log = deps.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));

  return async (req, res) => {
    if (req.method !== 'POST') {
      send(res, 405, { error: 'Use POST: this is the Alertmanager webhook receiver.' }, { allow: 'POST' });
      return;
    }
    if (!bearerMatches(req.headers.authorization, deps.token)) {
      discardRest(req, res, limit);
      send(res, 401, { error: 'Missing or wrong bearer token: set http_config.authorization.credentials(_file) in the Alertmanager receiver to ALERTMANAGER_TOKEN.' }, { 'www-authenticate': 'Bearer' });
      return;
    }
    let raw: string;
    try {
      raw = await readBody(req, limit);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        discardRest(req, res, limit);
        send(res, 413, { error: `Body larger than ${limit} bytes: lower max_alerts in the Alertmanager receiver.` }, { connection: 'close' });
        return;
      }
      send(res, 400, { error: 'Could not read the request body.' });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      send(res, 400, { error: 'The body is not valid JSON; expected an Alertmanager webhook (version 4) payload.' });
      return;
    }
    const parsed = parseWebhook(json);
    if (!parsed.ok) {
      send(res, 400, { error: parsed.error });
      return;
    }

    let summary: IngestSummary;
    try {
      summary = await withTimeout(deps.ingest.record(parsed.payload), recordTimeoutMs, 'Recording the alerts in Redis');
      deps.metrics?.alertsReceived(summary.alerts);
      for (const [reason, count] of Object.entries(summary.ignoredBy)) deps.metrics?.alertsIgnored(reason, count);
      deps.metrics?.alertsCoalesced(summary.deduplicated);
    } catch (error) {
      log('alertmanager: could not record alerts; answering 503 so Alertmanager retries', error);
      send(res, 503, { error: 'Redis is unavailable: the alerts were not queued. Alertmanager will retry.' }, { 'retry-after': '10' });
      return;
    }
    send(res, 200, { status: 'ok', ...summary });
  };
}

/** What the composition root hands over (a subset of src/main.ts's BotContext). */
export interface AlertmanagerRouteContext {
  config: Pick<Config, 'alertmanagerToken' | 'alertChannel' | 'routes' | 'clusterName' | 'redisPrefix'>;
  redis: Redis;
  /** The web role's job router (src/queue/queues.ts); undefined in the worker role. */
  router: { clusters: string[]; defaultCluster: string | undefined; queueFor(cluster: string): Queue<DiagnosisJobData> } | undefined;
  /** The Slack outbox (src/slack/outbox.ts); the webhook only writes to it. */
  outbox: IncidentOutbox;
  log: (message: string, error?: unknown) => void;
  metrics?: Metrics;
}

export const ALERTMANAGER_PATH = '/alertmanager';

/**
 * POST /alertmanager, wired from the bot's context; no route without ALERTMANAGER_TOKEN or a job
 * router (worker role). Usage in the composition root: `routes: (ctx) => alertmanagerRoutes(ctx)`.
 */
export function alertmanagerRoutes(ctx: AlertmanagerRouteContext): Route[] {
  const { config, router } = ctx;
  if (router === undefined) return [];
  if (config.alertmanagerToken === undefined || config.alertmanagerToken === '') {
    ctx.log('POST /alertmanager is off: set ALERTMANAGER_TOKEN to receive Alertmanager webhooks');
    return [];
  }
  const known = router.clusters;
  const defaultCluster = config.clusterName ?? router.defaultCluster ?? 'default';
  const ingest = createAlertIngest({
    store: createIncidentStore(ctx.redis, { prefix: config.redisPrefix }),
    enqueue: bullmqEnqueue((cluster) => router.queueFor(cluster)),
    routeChannel: (target) => routeChannel(config, target),
    outbox: ctx.outbox,
    defaultCluster,
    // One cluster: every alert is about it, whatever Prometheus' external `cluster` label says.
    resolveCluster: (cluster) => (known.includes(cluster) ? cluster : known.length === 1 ? known[0] : undefined),
    // Storm mode: many incidents at once in a channel get one digest first (docs/alertmanager.md).
    storms: createStormTracker(ctx.redis, { prefix: config.redisPrefix }),
    log: ctx.log,
  });
  const handler = alertmanagerHandler({ token: config.alertmanagerToken, ingest, log: ctx.log, ...(ctx.metrics === undefined ? {} : { metrics: ctx.metrics }) });
  return [{ path: ALERTMANAGER_PATH, method: ['POST'], handler: (req, res) => handler(req, res) }];
}
