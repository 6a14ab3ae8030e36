// Consumes the outbox: one BullMQ worker per channel queue (concurrency 1, so a channel's messages
// leave in priority then arrival order), started as channels appear in the registry. Every process
// with a Slack token may run one; the Redis pacer keeps the channel's pace across all of them.
import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Pacer } from './pacer.ts';
import { Outbox, outboxJobId, outboxQueueName, PRIORITY, type OutboxJobData } from './outbox.ts';
import { SlackRateLimited, SlackRefused, type OutboxSlack } from './outbox-slack.ts';
import type { OutboxStore } from './outbox-store.ts';
import { slackRefusalAdvice } from '../queue/errors.ts';

export interface OutboxRunnerOptions {
  connection: ConnectionOptions;
  redis: Redis;
  store: OutboxStore;
  outbox: Outbox;
  slack: OutboxSlack;
  pacer: Pacer;
  prefix?: string;
  now?: () => number;
  /** How often the channel registry is read for channels other processes opened. Default 2 s. */
  pollMs?: number;
  /** A message whose thread parent is not posted yet waits this long before looking again. Default 500 ms. */
  parentWaitMs?: number;
  /** Rate-limited attempts inside one job before it is handed back to BullMQ's back-off. Default 8. */
  maxRateLimitedAttempts?: number;
  /** Told once per channel per storm, e.g. to count it. */
  onRateLimited?: (channel: string, retryAfterMs: number) => void;
  /** Counts every Slack call (metrics port). */
  onCall?: (method: 'post' | 'update' | 'upload', outcome: 'ok' | 'rate-limited' | 'error') => void;
  log?: (message: string, error?: unknown) => void;
  /** Told about each consumer started, e.g. so shutdown drains it with the diagnosis workers. */
  onWorker?: (worker: Worker<OutboxJobData>) => void;
  /** For response_url answers when Slack refuses a message for good. Default: global fetch. */
  fetch?: typeof fetch;
}

/** The once-per-storm notice: after this long without a 429 the next one counts as a new storm. */
export const STORM_NOTICE_TTL_SECONDS = 600;
export const RATE_LIMIT_NOTICE = 'Slack is rate-limiting us, updates to this channel are delayed. Nothing is lost: they follow in order.';

export class OutboxRunner {
  private readonly workers = new Map<string, Worker<OutboxJobData>>();
  private readonly o: OutboxRunnerOptions;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: OutboxRunnerOptions) {
    this.o = options;
    this.now = options.now ?? Date.now;
  }

  /** Starts consumers for every known channel and keeps watching for new ones. */
  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll().catch(() => undefined), this.o.pollMs ?? 2000);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    for (const channel of await this.o.redis.smembers(this.o.store.channelsKey)) this.ensure(channel);
  }

  /** Starts the consumer of `channel` unless it runs already. */
  ensure(channel: string): void {
    if (this.closed || this.workers.has(channel)) return;
    const worker = new Worker<OutboxJobData>(outboxQueueName(channel), (job, token) => this.process(job, token), {
      connection: this.o.connection,
      prefix: this.o.prefix ?? 'crashloop',
      concurrency: 1,
    });
    worker.on('error', (error) => this.o.log?.(`outbox ${channel}: worker error`, error));
    worker.on('failed', (job, error) => {
      if (!(error instanceof DelayedError)) this.o.log?.(`outbox ${channel}: ${job?.data.op ?? '?'} ${job?.data.key ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'})`, error);
    });
    this.workers.set(channel, worker);
    this.o.onWorker?.(worker);
  }

  /** Waits for the channel's slot, calls Slack, and sits out 429s (the job stays active, order kept). */
  private async call<T>(channel: string, method: 'post' | 'update' | 'upload', fn: () => Promise<T>): Promise<T> {
    const max = this.o.maxRateLimitedAttempts ?? 8;
    for (let attempt = 1; ; attempt += 1) {
      await this.o.pacer.wait(channel);
      try {
        const result = await fn();
        this.o.onCall?.(method, 'ok');
        return result;
      } catch (error) {
        if (!(error instanceof SlackRateLimited)) {
          this.o.onCall?.(method, 'error');
          throw error instanceof SlackRefused ? new UnrecoverableError(error.message) : error;
        }
        this.o.onCall?.(method, 'rate-limited');
        await this.o.pacer.hold?.(channel, error.retryAfterMs);
        await this.noticeRateLimit(channel, error.retryAfterMs);
        if (attempt >= max) throw error;
      }
    }
  }

  private async noticeRateLimit(channel: string, retryAfterMs: number): Promise<void> {
    if (!(await this.o.store.once(`ratelimited:${channel}`, STORM_NOTICE_TTL_SECONDS))) return;
    this.o.onRateLimited?.(channel, retryAfterMs);
    const key = `notice:ratelimited:${channel}:${this.now()}`;
    await this.o.outbox.put(key, { channel }, { text: `:hourglass: ${RATE_LIMIT_NOTICE}` }, { priority: PRIORITY.notice });
  }

  private async waitForParent(job: Job<OutboxJobData>, token: string | undefined): Promise<never> {
    await job.moveToDelayed(this.now() + (this.o.parentWaitMs ?? 500), token);
    throw new DelayedError();
  }

  private async threadTs(target: { threadKey?: string; threadTs?: string }, job: Job<OutboxJobData>, token: string | undefined): Promise<string | undefined> {
    if (target.threadTs !== undefined) return target.threadTs;
    if (target.threadKey === undefined) return undefined;
    const parent = await this.o.store.get(target.threadKey);
    if (parent === undefined) throw new UnrecoverableError(`the thread parent ${target.threadKey} does not exist`);
    return parent.ts ?? (await this.waitForParent(job, token));
  }

  private async process(job: Job<OutboxJobData>, token: string | undefined): Promise<string> {
    const { op, key, channel } = job.data;
    if (op === 'upload') {
      if (await this.o.store.once(`uploaded:${key}`, 8 * 24 * 3600).then((first) => !first)) return 'already uploaded';
      const file = job.data.file;
      if (file === undefined) return 'no file';
      try {
        const threadTs = await this.threadTs(job.data.target ?? { threadKey: undefined }, job, token);
        await this.call(channel, 'upload', () => this.o.slack.upload({ channel, ...(threadTs === undefined ? {} : { threadTs }), ...file }));
      } catch (error) {
        await this.o.store.forget(`uploaded:${key}`);
        throw error;
      }
      return 'uploaded';
    }
    if (op === 'edit') await this.o.store.clearEditFlag(key);
    const doc = await this.o.store.get(key);
    if (doc === undefined) return 'gone';
    if (op === 'post') {
      if (doc.ts !== undefined) return 'already posted';
      const threadTs = await this.threadTs(doc, job, token);
      const posted = await this.call(channel, 'post', () => this.o.slack.post({ channel, ...(threadTs === undefined ? {} : { threadTs }), content: doc.content })).catch(async (error: unknown) => {
        if (error instanceof UnrecoverableError && doc.responseUrl !== undefined) await this.tellRefused(doc.responseUrl, error.message);
        throw error;
      });
      const next = await this.o.store.markPosted(key, posted.ts, doc.version, this.now());
      // The edit keeps the post's rank when it was higher (a storm digest's edits go before parents).
      if (next === 'edit') await this.o.outbox.add({ v: 1, op: 'edit', key, channel }, outboxJobId('edit', key, String(this.now())), Math.min(job.opts.priority ?? PRIORITY.edit, PRIORITY.edit));
      return 'posted';
    }
    if (doc.ts === undefined || doc.version <= doc.postedVersion) return 'up to date';
    const ts = doc.ts;
    await this.call(channel, 'update', () => this.o.slack.update({ channel, ts, content: doc.content }));
    await this.o.store.markEdited(key, doc.version);
    return 'edited';
  }

  /** The user who asked hears why the report cannot appear, and what to do (ephemeral, once per job). */
  private async tellRefused(responseUrl: string, message: string): Promise<void> {
    const slackError = /Slack refused the message: (\S+)/.exec(message)?.[1] ?? '';
    const text = slackRefusalAdvice(slackError) ?? 'Slack refused the report message; nothing more will be tried. Try again later or ask whoever runs the bot.';
    await (this.o.fetch ?? fetch)(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }) }).catch((error: unknown) => this.o.log?.('outbox: could not answer the response_url', error));
  }

  /** Channels with a consumer in this process. */
  channels(): string[] {
    return [...this.workers.keys()];
  }

  /** `force`: do not wait for a running call (after a bounded drain, e.g. on shutdown). */
  async close(force = false): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    // BullMQ memoizes close(): after an abandoned drain it never settles, so a forced close is bounded.
    const bound = (p: Promise<void>): Promise<unknown> =>
      force ? Promise.race([p, new Promise((resolve) => setTimeout(resolve, 2000).unref())]) : p;
    await Promise.all([...this.workers.values()].map((w) => bound(w.close(force)).catch(() => undefined)));
  }
}

export interface StartOutboxOptions extends Omit<OutboxRunnerOptions, 'outbox' | 'store'> {
  store: OutboxStore;
}

/** The producer and an in-process consumer that starts a channel's worker as soon as it gets a job. */
export async function startOutbox(options: StartOutboxOptions): Promise<{ outbox: Outbox; runner: OutboxRunner; close(force?: boolean): Promise<void> }> {
  const ref: { runner?: OutboxRunner } = {};
  const outbox = new Outbox({
    connection: options.connection,
    store: options.store,
    redis: options.redis,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.now === undefined ? {} : { now: options.now }),
    onChannel: (channel) => ref.runner?.ensure(channel),
  });
  const r = new OutboxRunner({ ...options, outbox });
  ref.runner = r;
  await r.start();
  return {
    outbox,
    runner: r,
    async close(force = false) {
      await r.close(force);
      await outbox.close();
    },
  };
}
