// Queue depth for the metrics port, read from Redis when Prometheus scrapes (never polled).
import type { QueueDepth } from '../metrics/metrics.ts';

interface CountedQueue {
  name: string;
  getJobCounts(...types: ('wait' | 'prioritized' | 'active' | 'delayed')[]): Promise<Record<string, number>>;
}

export function queueDepthOf(queues: CountedQueue[]): () => Promise<QueueDepth[]> {
  return () =>
    Promise.all(
      queues.map(async (queue) => {
        const c = await queue.getJobCounts('wait', 'prioritized', 'active', 'delayed');
        return { queue: queue.name, waiting: (c.wait ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0 };
      }),
    );
}
