// EnqueueDiagnosis on BullMQ: one queue per cluster, coalescing per incident with BullMQ's
// deduplication option. With a TTL the dedup key outlives the job (throttle mode), so the notifications
// Alertmanager repeats for a still-firing group do not re-run a diagnosis within the cooldown; a
// material change carries a new dedupId (see diagnosisDedupId) and is diagnosed at once.
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { DiagnosisJobData } from '../queue/types.ts';
import type { EnqueueDiagnosis } from './ingest.ts';

export interface BullmqEnqueueOptions {
  /** Milliseconds during which a repeat of the same incident generation is coalesced. Default 24 h. */
  cooldownMs?: number;
  /** Job name. Default "diagnose". */
  jobName?: string;
}

export function bullmqEnqueue(queueFor: (cluster: string) => Queue<DiagnosisJobData>, options: BullmqEnqueueOptions = {}): EnqueueDiagnosis {
  const ttl = options.cooldownMs ?? 24 * 3600 * 1000;
  const name = options.jobName ?? 'diagnose';
  return async (data, { dedupId }) => {
    const jobId = randomUUID();
    const job = await queueFor(data.cluster).add(name, data, { jobId, deduplication: { id: dedupId, ttl } });
    const id = job.id ?? jobId;
    return { jobId: id, deduplicated: id !== jobId };
  };
}
