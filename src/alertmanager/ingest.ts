// Webhook payload -> incident state + diagnosis jobs, then Slack notes. Two phases:
//   record(): the durable part (Redis incident state, BullMQ jobs). Any failure throws, and the HTTP
//             layer answers 503 so Alertmanager retries; every step is idempotent, so a retry is safe.
//   notify(): parent messages, thread notes and edits. Best effort: a Slack failure is logged and
//             counted, never turned into a retry storm; the worker opens a missing parent itself.
import { incidentId, type DiagnosisJobData, type IncidentKey } from '../queue/types.ts';
import { restartBand } from '../incidents/bands.ts';
import { changeText, parentFiringText, parentResolvedText, resolvedNoteText } from '../incidents/messages.ts';
import type { SlackText } from '../slack/mrkdwn.ts';
import type { IncidentNotifier } from '../incidents/notifier.ts';
import type { Incident, IncidentChange, IncidentStore } from '../incidents/store.ts';
import { ensureParent } from '../incidents/thread.ts';
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
  notifier: IncidentNotifier;
  /** Cluster for alerts without a `cluster` label (CLUSTER_NAME). */
  defaultCluster: string;
  /**
   * Maps an alert's cluster (its `cluster` label, else defaultCluster) to a cluster the bot serves, or
   * undefined to ignore the alert (counted as "unknown-cluster"). Default: every cluster is accepted.
   */
  resolveCluster?: (cluster: string) => string | undefined;
  clock?: () => Date;
  log?: (message: string, error?: unknown) => void;
  /** Slack calls in flight at once during notify(). Default 4. */
  notifyConcurrency?: number;
}

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
  /** Slack calls that failed in notify(). */
  notifyErrors: number;
}

export interface Recorded {
  summary: IngestSummary;
  notify(): Promise<IngestSummary>;
}

/** Dedup id of an incident's diagnosis: a material change (new generation) earns a fresh diagnosis. */
export function diagnosisDedupId(key: IncidentKey, generation: number): string {
  return `${incidentId(key)}#g${generation}`;
}

type Note =
  | { kind: 'parent'; channel: string; text: SlackText }
  | { kind: 'change'; change: IncidentChange }
  | { kind: 'resolved'; incident: Incident };

export function createAlertIngest(deps: AlertIngestDeps) {
  const clock = deps.clock ?? (() => new Date());
  const log = deps.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));

  async function record(payload: WebhookPayload): Promise<Recorded> {
    const now = clock();
    const summary: IngestSummary = { alerts: payload.alerts.length, queued: 0, deduplicated: 0, ignored: 0, ignoredBy: {}, resolved: 0, ignoredTotal: 0, notifyErrors: 0 };
    const ignore = (reason: string): void => {
      summary.ignored += 1;
      summary.ignoredBy[reason] = (summary.ignoredBy[reason] ?? 0) + 1;
    };
    const notes = new Map<string, { key: IncidentKey; channel: string; items: Note[] }>();
    const enqueuedThisPayload = new Set<string>();
    const noteFor = (key: IncidentKey, channel: string) => {
      const id = incidentId(key);
      let entry = notes.get(id);
      if (entry === undefined) notes.set(id, (entry = { key, channel, items: [] }));
      return entry;
    };

    for (const alert of payload.alerts) {
      const mapped = mapAlert(alert, deps.defaultCluster);
      if (mapped.kind === 'ignore') {
        ignore(mapped.reason);
        continue;
      }
      const s = mapped.subject;
      if (deps.resolveCluster !== undefined) {
        const cluster = deps.resolveCluster(s.incident.cluster);
        if (cluster === undefined) {
          ignore('unknown-cluster');
          continue;
        }
        s.incident = { ...s.incident, cluster };
      }
      if (alert.status === 'resolved') {
        const endsAt = Date.parse(alert.endsAt);
        const outcome = await deps.store.recordResolved(s.incident, s.fingerprint, Number.isNaN(endsAt) || endsAt <= 0 ? now : new Date(endsAt));
        if (outcome.kind === 'resolved') {
          summary.resolved += 1;
          noteFor(s.incident, outcome.incident.channel).items.push({ kind: 'resolved', incident: outcome.incident });
        }
        continue;
      }
      const channel = deps.routeChannel({ cluster: s.incident.cluster, namespace: s.incident.namespace, labels: alert.labels });
      if (channel === undefined) {
        ignore('no-channel');
        continue;
      }
      const facts = { channel, fingerprint: s.fingerprint, startsAt: s.startsAt, alertname: s.alertname, restartBand: restartBand(s.restartCount) };
      const rec = await deps.store.recordFiring(s.incident, s.container === undefined ? facts : { ...facts, container: s.container }, now);
      const entry = noteFor(s.incident, rec.channel);
      if (rec.parentTs === undefined && !entry.items.some((n) => n.kind === 'parent')) {
        entry.items.push({ kind: 'parent', channel: rec.channel, text: parentFiringText(s.incident, s.alertname, s.container) });
      }
      for (const change of rec.changes) entry.items.push({ kind: 'change', change });

      const dedupId = diagnosisDedupId(s.incident, rec.generation);
      if (enqueuedThisPayload.has(dedupId)) {
        summary.deduplicated += 1;
        continue;
      }
      const data: DiagnosisJobData = {
        v: 1,
        cluster: s.incident.cluster,
        target: s.target,
        origin: 'alertmanager',
        reply: rec.parentTs === undefined ? { channel: rec.channel } : { channel: rec.channel, threadTs: rec.parentTs },
        incident: s.incident,
        requestedBy: s.fingerprint,
        requestedAt: now.toISOString(),
      };
      const result = await deps.enqueue(data, { dedupId });
      enqueuedThisPayload.add(dedupId);
      if (result.deduplicated) summary.deduplicated += 1;
      else summary.queued += 1;
    }

    const totals = await deps.store.bumpCounters({
      received: summary.alerts,
      queued: summary.queued,
      deduplicated: summary.deduplicated,
      ignored: summary.ignored,
      resolved: summary.resolved,
      ...Object.fromEntries(Object.entries(summary.ignoredBy).map(([reason, n]) => [`ignored:${reason}`, n])),
    });
    summary.ignoredTotal = totals.ignored ?? summary.ignored;

    return {
      summary,
      notify: async () => {
        const entries = [...notes.values()];
        const workers = Array.from({ length: Math.min(deps.notifyConcurrency ?? 4, entries.length) }, async () => {
          for (let entry = entries.shift(); entry !== undefined; entry = entries.shift()) {
            summary.notifyErrors += await notifyIncident(entry.key, entry.channel, entry.items);
          }
        });
        await Promise.all(workers);
        return summary;
      },
    };
  }

  /** Returns the number of failed Slack calls. */
  async function notifyIncident(key: IncidentKey, channel: string, items: Note[]): Promise<number> {
    let errors = 0;
    let parentTs: string | undefined;
    const parent = items.find((n) => n.kind === 'parent');
    try {
      if (parent?.kind === 'parent') {
        const result = await ensureParent(deps.store, deps.notifier, key, { channel: parent.channel, text: parent.text });
        if (result.kind !== 'pending') parentTs = result.ts;
      } else {
        parentTs = (await deps.store.get(key))?.parentTs;
      }
    } catch (error) {
      errors += 1;
      log(`alertmanager: could not open the incident message for ${incidentId(key)} in ${channel}`, error);
    }
    if (parentTs === undefined) return errors;
    for (const item of items) {
      try {
        if (item.kind === 'change') {
          if (item.change.kind === 'refired') {
            const incident = await deps.store.get(key);
            const alertname = incident?.alertnames[0] ?? 'Alert';
            await deps.notifier.update({ channel, ts: parentTs, text: parentFiringText(key, alertname, incident?.containers[0]) });
          }
          await deps.notifier.post({ channel, threadTs: parentTs, text: changeText(item.change) });
        } else if (item.kind === 'resolved') {
          const { openedAt, resolvedAt } = item.incident;
          const at = resolvedAt ?? clock().toISOString();
          await deps.notifier.update({ channel, ts: parentTs, text: parentResolvedText(key, openedAt, at) });
          await deps.notifier.post({ channel, threadTs: parentTs, text: resolvedNoteText(openedAt, at) });
        }
      } catch (error) {
        errors += 1;
        log(`alertmanager: could not update the thread of ${incidentId(key)} in ${channel}`, error);
      }
    }
    return errors;
  }

  return { record };
}

export type AlertIngest = ReturnType<typeof createAlertIngest>;
