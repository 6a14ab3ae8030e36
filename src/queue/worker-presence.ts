// Which clusters' queues have a live worker right now, from BullMQ's worker registry
// (`queue.getWorkers()`: the Redis connections named after the queue, from CLIENT LIST). The web role
// asks before acknowledging a diagnosis, so a user is told at once that nothing will run until a worker
// returns, and /readyz shows it per cluster. Cached briefly (one CLIENT LIST per cluster per few seconds,
// whatever the traffic) and bounded: an answer that does not come in time, or a Redis that refuses
// CLIENT LIST (some managed offerings), is 'unknown', never a wrong 'none'.
import type { Queue } from 'bullmq';

export type Presence = 'live' | 'none' | 'unknown';

export interface WorkerPresence {
  of(cluster: string): Promise<Presence>;
  /** Every known cluster's presence, e.g. { prod: 'live', staging: 'none' }. */
  all(): Promise<Record<string, Presence>>;
}

export interface WorkerPresenceOptions {
  /** How long an answer is reused (default 3 s). */
  cacheMs?: number;
  /** Bound on one lookup (default 500 ms): the slash command's ack waits for it. */
  timeoutMs?: number;
  now?: () => number;
}

export function createWorkerPresence(clusters: readonly string[], queueFor: (cluster: string) => Pick<Queue, 'getWorkers'>, options: WorkerPresenceOptions = {}): WorkerPresence {
  const cacheMs = options.cacheMs ?? 3000;
  const timeoutMs = options.timeoutMs ?? 500;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; value: Promise<Presence> }>();

  async function lookup(cluster: string): Promise<Presence> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const workers = await Promise.race([
        queueFor(cluster).getWorkers(),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), timeoutMs);
        }),
      ]);
      if (workers === undefined) return 'unknown';
      // Where CLIENT LIST is refused BullMQ answers one placeholder entry (a name, no id or address).
      if (workers.some((w) => typeof w !== 'object' || w === null || !('id' in w || 'addr' in w))) return 'unknown';
      return workers.length > 0 ? 'live' : 'none';
    } catch {
      return 'unknown';
    } finally {
      clearTimeout(timer);
    }
  }

  async function of(cluster: string): Promise<Presence> {
    if (!clusters.includes(cluster)) return 'unknown';
    const hit = cache.get(cluster);
    if (hit !== undefined && now() - hit.at < cacheMs) return hit.value;
    const value = lookup(cluster);
    cache.set(cluster, { at: now(), value });
    const result = await value;
    // An unknown answer is not kept: the next ask tries again.
    if (result === 'unknown') cache.delete(cluster);
    return result;
  }

  return {
    of,
    async all() {
      const entries = await Promise.all(clusters.map(async (c) => [c, await of(c)] as const));
      return Object.fromEntries(entries);
    },
  };
}
