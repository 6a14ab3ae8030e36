// Webhook payload -> incident state, diagnosis jobs and outbox messages, all in Redis. Any failure
// throws and the HTTP layer answers 503 so Alertmanager retries; every step is idempotent, so a retry is
// safe. Nothing here waits for Slack: the parent message and thread notes are outbox documents that
// the outbox posts at the channel's pace (src/slack/outbox.ts), exactly once per key.
import { incidentId, type DiagnosisJobData, type IncidentKey } from '../queue/types.ts';
import { restartBand } from '../incidents/bands.ts';
import { changeNote, resolvedNote } from '../incidents/messages.ts';
import { parentKey, renderParent } from '../incidents/parent-message.ts';
import type { IncidentStore } from '../incidents/store.ts';
import { PRIORITY, type PutOptions } from '../slack/outbox.ts';
import { refreshStormDigest } from '../incidents/storm-digest.ts';
import type { StormTracker } from '../incidents/storm.ts';
import type { OutboxContent, OutboxTarget } from '../slack/outbox-store.ts';
import { mapAlert } from './map-alert.ts';
import type { WebhookPayload } from './schema.ts';

export interface EnqueueResult {
  jobId: string;
  /** True when an equivalent job already existed and this one was dropped. */
  deduplicated: boolean;
}

/** Adds a diagnosis job; jobs with the same dedupId coalesce into one. */
export type EnqueueDiagnosis = (data: DiagnosisJobData, options: { dedupId: string }) => Promise<EnqueueResult>;

export type ChannelRouter = (target: { cluster: string; namespace: string; labels: Record<string, string> }) => string | undefined;

export interface AlertIngestDeps {
  store: IncidentStore;
  enqueue: EnqueueDiagnosis;
  routeChannel: ChannelRouter;
  /** The Slack outbox (src/slack/outbox.ts): writes Redis only. */
  outbox: IncidentOutbox;
  /** Cluster for alerts without a `cluster` label (CLUSTER_NAME). */
  defaultCluster: string;
  /**
   * Maps an alert's cluster (its `cluster` label, else defaultCluster) to a cluster the bot serves, or
   * undefined to ignore the alert (counted as "unknown-cluster"). Default: every cluster is accepted.
   */
  resolveCluster?: (cluster: string) => string | undefined;
  clock?: () => Date;
  log?: (message: string, error?: unknown) => void;
  /** Incidents recorded in parallel per payload. Default 16. */
  concurrency?: number;
  /** Storm mode (src/incidents/storm.ts): a digest first, each storm parent posted with its cause. */
  storms?: StormTracker;
  /** How long a storm parent waits for its diagnosis before it is posted anyway. Default 60 s. */
  stormParentWaitMs?: number;
}

export interface IncidentOutbox {
  put(key: string, target: OutboxTarget, content: OutboxContent, options?: PutOptions): Promise<void>;
}

/** A storm parent is posted once its diagnosis is known, or after this long whatever happened. */
export const STORM_PARENT_WAIT_MS = 60_000;

export interface IngestSummary {
  alerts: number;
  /** Firing alerts that created a new diagnosis job. */
  queued: number;
  /** Firing alerts coalesced into an existing job for their incident. */
  deduplicated: number;
  /** Alerts with nothing to diagnose (no namespace, no pod or workload, no channel, unknown cluster). */
  ignored: number;
  /** The same, by reason: no-namespace, no-target, no-channel, unknown-cluster. */
  ignoredBy: Record<string, number>;
  /** Incidents this payload resolved. */
  resolved: number;
  /** Running total of ignored alerts (Redis counter). */
  ignoredTotal: number;
}

/** Dedup id of an incident's diagnosis: a material change (new generation) earns a fresh diagnosis. */
export function diagnosisDedupId(key: IncidentKey, generation: number): string {
  return `${incidentId(key)}#g${generation}`;
}

export function createAlertIngest(deps: AlertIngestDeps) {
  const clock = deps.clock ?? (() => new Date());

  /** Re-renders the parent from the stored incident (the single source of what it shows). */
  async function refreshParent(key: IncidentKey, now: Date, deferMs = 0): Promise<void> {
    const incident = await deps.store.get(key);
    if (incident === undefined) return;
    await deps.outbox.put(parentKey(key), { channel: incident.channel }, renderParent(incident, now), { priority: PRIORITY.parent, ...(deferMs > 0 ? { deferMs } : {}) });
  }

  /**
   * A new incident: in a storm its channel gets the digest (created or updated) and the parent waits for
   * its diagnosis (the worker's report promotes it), so it is born with its cause; otherwise it is posted
   * at once ("diagnosing now"), to be edited into the report.
   */
  async function opened(key: IncidentKey, channel: string, now: Date): Promise<void> {
    const storm = deps.storms === undefined ? undefined : await deps.storms.opened(channel, key, now);
    if (storm === undefined || deps.storms === undefined) {
      await refreshParent(key, now);
      return;
    }
    await refreshStormDigest(deps.storms, deps.outbox, channel, storm.stormId, now);
    await refreshParent(key, now, deps.stormParentWaitMs ?? STORM_PARENT_WAIT_MS);
  }

  /** A thread note within the incident's noise budget (10 replies an hour; the rest fold into the parent). */
  async function threadNote(key: IncidentKey, channel: string, noteKey: string, content: OutboxContent, now: Date): Promise<void> {
    if ((await deps.store.takeReplies(key, 1, now)) < 1) return;
    await deps.outbox.put(`${parentKey(key)}:${noteKey}`, { channel, threadKey: parentKey(key) }, content, { priority: PRIORITY.reply });
  }

  async function record(payload: WebhookPayload): Promise<IngestSummary> {
    const now = clock();
    const summary: IngestSummary = { alerts: payload.alerts.length, queued: 0, deduplicated: 0, ignored: 0, ignoredBy: {}, resolved: 0, ignoredTotal: 0 };
    const ignore = (reason: string): void => {
      summary.ignored += 1;
      summary.ignoredBy[reason] = (summary.ignoredBy[reason] ?? 0) + 1;
    };
    const enqueuedThisPayload = new Set<string>();

    // Alerts of one incident are recorded in order; different incidents in parallel (the Redis round
    // trips of a 100-alert payload overlap instead of queueing one after another).
    const groups = new Map<string, { alert: WebhookPayload['alerts'][number]; mapped: ReturnType<typeof mapAlert> }[]>();
    for (const alert of payload.alerts) {
      const mapped = mapAlert(alert, deps.defaultCluster);
      const group = mapped.kind === 'ignore' ? `ignore:${groups.size}` : incidentId(mapped.subject.incident);
      const list = groups.get(group) ?? [];
      list.push({ alert, mapped });
      groups.set(group, list);
    }
    const one = async ({ alert, mapped }: { alert: WebhookPayload['alerts'][number]; mapped: ReturnType<typeof mapAlert> }): Promise<void> => {
      if (mapped.kind === 'ignore') {
        ignore(mapped.reason);
        return;
      }
      const s = mapped.subject;
      if (deps.resolveCluster !== undefined) {
        const cluster = deps.resolveCluster(s.incident.cluster);
        if (cluster === undefined) {
          ignore('unknown-cluster');
          return;
        }
        s.incident = { ...s.incident, cluster };
      }
      if (alert.status === 'resolved') {
        const endsAt = Date.parse(alert.endsAt);
        const outcome = await deps.store.recordResolved(s.incident, s.fingerprint, Number.isNaN(endsAt) || endsAt <= 0 ? now : new Date(endsAt));
        if (outcome.kind === 'resolved') {
          summary.resolved += 1;
          const { openedAt, resolvedAt } = outcome.incident;
          await refreshParent(s.incident, now);
          if (deps.storms !== undefined) {
            const storm = await deps.storms.resolved(outcome.incident.channel, s.incident, outcome.incident.diagnosis?.cause);
            if (storm !== undefined) await refreshStormDigest(deps.storms, deps.outbox, outcome.incident.channel, storm, now);
          }
          await threadNote(s.incident, outcome.incident.channel, `resolved:${resolvedAt ?? ''}`, resolvedNote(openedAt, resolvedAt ?? now.toISOString()), now);
        }
        return;
      }
      const channel = deps.routeChannel({ cluster: s.incident.cluster, namespace: s.incident.namespace, labels: alert.labels });
      if (channel === undefined) {
        ignore('no-channel');
        return;
      }
      const facts = { channel, fingerprint: s.fingerprint, startsAt: s.startsAt, alertname: s.alertname, restartBand: restartBand(s.restartCount) };
      const rec = await deps.store.recordFiring(s.incident, s.container === undefined ? facts : { ...facts, container: s.container }, now);
      // One parent per incident: its outbox key is the incident's, so racing webhooks write one document.
      if (rec.created) await opened(s.incident, rec.channel, now);
      else if (rec.changes.length > 0) await refreshParent(s.incident, now);
      for (const change of rec.changes) {
        const note = changeNote(change, now);
        if (note !== undefined) await threadNote(s.incident, rec.channel, `g${rec.generation}:${change.kind}`, note, now);
      }

      const dedupId = diagnosisDedupId(s.incident, rec.generation);
      if (enqueuedThisPayload.has(dedupId)) {
        summary.deduplicated += 1;
        return;
      }
      const data: DiagnosisJobData = {
        v: 1,
        cluster: s.incident.cluster,
        target: s.target,
        origin: 'alertmanager',
        reply: { channel: rec.channel },
        incident: s.incident,
        requestedBy: s.fingerprint,
        requestedAt: now.toISOString(),
      };
      const result = await deps.enqueue(data, { dedupId });
      enqueuedThisPayload.add(dedupId);
      if (result.deduplicated) summary.deduplicated += 1;
      else summary.queued += 1;
        };
    const pending = [...groups.values()];
    await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 16, pending.length) }, async () => {
      for (let group = pending.shift(); group !== undefined; group = pending.shift()) {
        for (const item of group) await one(item);
      }
    }));

    const totals = await deps.store.bumpCounters({
      received: summary.alerts,
      queued: summary.queued,
      deduplicated: summary.deduplicated,
      ignored: summary.ignored,
      resolved: summary.resolved,
      ...Object.fromEntries(Object.entries(summary.ignoredBy).map(([reason, n]) => [`ignored:${reason}`, n])),
    });
    summary.ignoredTotal = totals.ignored ?? summary.ignored;
    return summary;
  }

  return { record };
}

export type AlertIngest = ReturnType<typeof createAlertIngest>;
