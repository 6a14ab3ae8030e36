// The one way to Slack for channel messages: a durable, per-channel paced outbox on BullMQ. Writers
// (webhook, diagnosis worker, actions) only touch Redis: they set a message's content under a
// deterministic key and the outbox makes Slack show it, posting it once and editing it after. One
// queue per channel, consumed one job at a time, paced by the shared Redis pacer; a 429 holds the
// channel for Retry-After. A crash or a retry never loses a message (the job is durable) nor duplicates
// one (the post is keyed by the document, and an attempt that finds a ts edits instead).
import { createHash } from 'node:crypto';
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { OutboxContent, OutboxStore, OutboxTarget } from './outbox-store.ts';

/** Lower runs first within a channel: a storm digest, then parents, edits, details, files. */
export const PRIORITY = { digest: 1, parent: 2, edit: 3, notice: 4, reply: 5, file: 8 } as const;

export interface OutboxFile {
  filename: string;
  title: string;
  content: string;
}

export interface OutboxJobData {
  v: 1;
  op: 'post' | 'edit' | 'upload';
  key: string;
  channel: string;
  /** Uploads only: the thread and the file. */
  target?: OutboxTarget;
  file?: OutboxFile;
}

export const OUTBOX_JOB_OPTIONS: JobsOptions = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 5000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** BullMQ queue names may not contain ':'; Slack channel ids are [A-Z0-9]. */
export function outboxQueueName(channel: string): string {
  return `crashloop-outbox-${channel.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/** Job ids may not contain ':'; the digest keeps them short and deterministic per logical message. */
export function outboxJobId(op: string, key: string, suffix = ''): string {
  return `${op}-${createHash('sha256').update(key).digest('hex').slice(0, 32)}${suffix === '' ? '' : `-${suffix}`}`;
}

export interface OutboxOptions {
  connection: ConnectionOptions;
  store: OutboxStore;
  /** Commands connection, for the channel registry. */
  redis: Redis;
  prefix?: string;
  now?: () => number;
  /** Told about each channel that gets a job, so an in-process runner starts its consumer at once. */
  onChannel?: (channel: string) => void;
}

export interface PutOptions {
  /** Lower runs first (PRIORITY). */
  priority?: number;
  /** The writer's own version of the content: a put with a seq not above the stored one changes nothing. */
  seq?: number;
  /**
   * Post no sooner than this unless a later put without it comes first (then the post goes at once): a
   * storm's incident parent waits for its diagnosis, so it is born with its cause, but is never lost.
   */
  deferMs?: number;
}

export class Outbox {
  private readonly queues = new Map<string, Queue<OutboxJobData>>();
  private readonly known = new Set<string>();
  private readonly options: OutboxOptions;
  private readonly now: () => number;
  readonly store: OutboxStore;

  constructor(options: OutboxOptions) {
    this.options = options;
    this.store = options.store;
    this.now = options.now ?? Date.now;
  }

  private queue(channel: string): Queue<OutboxJobData> {
    let queue = this.queues.get(channel);
    if (queue === undefined) {
      queue = new Queue<OutboxJobData>(outboxQueueName(channel), { connection: this.options.connection, prefix: this.options.prefix ?? 'crashloop', defaultJobOptions: OUTBOX_JOB_OPTIONS });
      queue.on('error', () => undefined);
      this.queues.set(channel, queue);
    }
    return queue;
  }

  private async register(channel: string): Promise<void> {
    if (!this.known.has(channel)) {
      await this.options.redis.sadd(this.store.channelsKey, channel);
      this.known.add(channel);
    }
    this.options.onChannel?.(channel);
  }

  /** Adds a job; exported for the runner (an edit that must follow a post). */
  async add(data: OutboxJobData, jobId: string, priority: number, delayMs = 0): Promise<void> {
    await this.register(data.channel);
    await this.queue(data.channel).add(data.op, data, { jobId, priority, ...(delayMs > 0 ? { delay: delayMs } : {}) });
  }

  /** A post that waits with a delay (see `deferMs`) is sent now: re-added if lost, else promoted. */
  private async promote(data: OutboxJobData, jobId: string, priority: number): Promise<void> {
    await this.add(data, jobId, priority);
    const job = await this.queue(data.channel).getJob(jobId);
    // It may have left the delayed set meanwhile: then it runs anyway.
    if (job !== undefined && (await job.isDelayed())) await job.promote().catch(() => undefined);
  }

  /**
   * Makes Slack show `content` as the message `key`: posts it (once, ever) or edits it to this content.
   * Writers may call it any number of times, concurrently; the latest content wins.
   */
  async put(key: string, target: OutboxTarget, content: OutboxContent, options: PutOptions = {}): Promise<void> {
    const deferMs = options.deferMs ?? 0;
    const outcome = await this.store.put(key, target, content, this.now(), { ...(options.seq === undefined ? {} : { seq: options.seq }), deferred: deferMs > 0 });
    const channel = target.channel;
    if (outcome === 'post') await this.add({ v: 1, op: 'post', key, channel }, outboxJobId('post', key), options.priority ?? PRIORITY.reply, deferMs);
    else if (outcome === 'promote') await this.promote({ v: 1, op: 'post', key, channel }, outboxJobId('post', key), options.priority ?? PRIORITY.reply);
    else if (outcome === 'edit') await this.add({ v: 1, op: 'edit', key, channel }, outboxJobId('edit', key, String(this.now())), Math.min(options.priority ?? PRIORITY.edit, PRIORITY.edit));
  }

  /** Uploads a file once per key (e.g. per crashed container instance), into the thread of the target. */
  async upload(key: string, target: OutboxTarget, file: OutboxFile): Promise<boolean> {
    if (!(await this.store.once(`upload-queued:${key}`, 8 * 24 * 3600))) return false;
    await this.add({ v: 1, op: 'upload', key, channel: target.channel, target, file }, outboxJobId('upload', key), PRIORITY.file);
    return true;
  }

  /** The Slack ts of a posted message, if it is posted yet. */
  ts(key: string): Promise<string | undefined> {
    return this.store.ts(key);
  }

  /** Messages not yet on Slack in the channels this producer wrote to (waiting, delayed, active). */
  async pending(): Promise<number> {
    let total = 0;
    for (const queue of this.queues.values()) {
      const counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'waiting-children');
      total += Object.values(counts).reduce((a, b) => a + b, 0);
    }
    return total;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
  }
}
