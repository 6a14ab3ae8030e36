// The diagnosis job: resolve the target, capture a snapshot, diagnose it and post the report with its
// thread. A plain `(job, signal) => Promise<Result>` function; errors steer BullMQ's retries and the
// user hears why in plain words.
import type { Report, Snapshot } from '../../diagnostics/types.ts';
import type { CaptureSnapshot, ClusterGateway, ResolveResult, TargetQuery } from '../cluster/types.ts';
import type { ActionStateStore, ActionState } from '../slack/action-state.ts';
import type { Posted, SlackPoster } from '../slack/post.ts';
import { ACTION_IDS, type ActionId } from '../actions/types.ts';
import { renderReport, rollbackRevision } from '../slack/render/report.ts';
import { planLogFile, renderThread } from '../slack/render/thread.ts';
import { fallbackText } from '../slack/mrkdwn.ts';
import type { RenderedMessage } from '../slack/render/report.ts';
import {
  failedMessage,
  forbiddenMessage,
  noCrashingPodsMessage,
  notFoundMessage,
  podListMessage,
  unreachableMessage,
} from '../slack/render/messages.ts';
import { classifyError, PermanentJobError, RetryableJobError } from './errors.ts';
import { incidentId, type DiagnosisJobData, type IncidentKey } from './types.ts';

/** The parts of a BullMQ Job the processor reads. */
export interface DiagnosisJob {
  id?: string | undefined;
  data: DiagnosisJobData;
  attemptsMade: number;
  opts: { attempts?: number | undefined };
}

export interface CrashingPodSummary {
  namespace: string;
  name: string;
  container?: string;
  restarts: number;
  reason?: string;
}

export interface DiagnosisDeps {
  gateway: ClusterGateway;
  resolveTarget: (gateway: ClusterGateway, query: TargetQuery, signal?: AbortSignal) => Promise<ResolveResult>;
  captureSnapshot: CaptureSnapshot;
  diagnose: (snapshot: Snapshot) => Report;
  listCrashingPods: (gateway: ClusterGateway, allowedNamespaces?: string[], signal?: AbortSignal) => Promise<CrashingPodSummary[]>;
  /** Redacts secrets from raw log text before it is uploaded. */
  redact: (text: string) => string;
  poster: SlackPoster;
  states: ActionStateStore;
  /** The thread an incident already has (Alertmanager engineer's store); reports about it go there. */
  incidentThread?: (incident: IncidentKey) => Promise<{ channel: string; ts: string } | undefined>;
  /** Told after a report is posted, e.g. to remember the incident's thread. */
  onReportPosted?: (incident: IncidentKey, posted: Posted, report: Report) => Promise<void>;
  now?: () => Date;
}

export type DiagnosisResult =
  | { status: 'posted'; channel: string; ts: string; cause: string; reused: boolean; incident: string }
  | { status: 'listed'; count: number }
  | { status: 'ambiguous'; count: number };

/** The incident of a snapshot: its top owner (Deployment over ReplicaSet), else the pod itself. */
export function incidentOf(cluster: string, snapshot: Snapshot): IncidentKey {
  const namespace = snapshot.pod.metadata?.namespace ?? 'default';
  const owners = snapshot.owners ?? [];
  const top = owners[owners.length - 1];
  const workload = top === undefined ? `Pod/${snapshot.pod.metadata?.name ?? ''}` : `${top.kind}/${top.name}`;
  return { cluster, namespace, workload };
}

function targetText(data: DiagnosisJobData): string {
  return data.target.namespace === undefined || data.target.text.includes('/') ? data.target.text : `${data.target.namespace}/${data.target.text}`;
}

export function createDiagnosisProcessor(deps: DiagnosisDeps) {
  const now = deps.now ?? (() => new Date());
  const cluster = deps.gateway.cluster;

  async function tell(job: DiagnosisJob, kind: string, message: RenderedMessage): Promise<void> {
    const reply = job.data.reply;
    if (reply.responseUrl !== undefined) {
      await deps.poster.respond(reply.responseUrl, message);
      return;
    }
    const target = reply.threadTs === undefined ? { channel: reply.channel } : { channel: reply.channel, threadTs: reply.threadTs };
    await deps.poster.postThreadReply(`${job.id ?? 'nojob'}:notice:${kind}`, target, message);
  }

  async function listMode(job: DiagnosisJob, signal?: AbortSignal): Promise<DiagnosisResult> {
    const pods = await deps.listCrashingPods(deps.gateway, job.data.allowedNamespaces, signal);
    if (pods.length === 0) {
      await tell(job, 'list', noCrashingPodsMessage(cluster, job.data.allowedNamespaces));
      return { status: 'listed', count: 0 };
    }
    const stateIds = await Promise.all(pods.slice(0, 20).map((p) => deps.states.save(podState(job, p.namespace, p.name))));
    const rows = pods.map((p) => ({ namespace: p.namespace, name: p.name, reason: `${p.reason ?? 'crashing'} · ${p.restarts} restarts${p.container === undefined ? '' : ` · ${p.container}`}` }));
    await tell(job, 'list', podListMessage(`${pods.length} crashing pod${pods.length === 1 ? '' : 's'} in ${cluster}:`, rows, stateIds));
    return { status: 'listed', count: pods.length };
  }

  function podState(job: DiagnosisJob, namespace: string, pod: string): ActionState {
    const state: ActionState = { v: 1, cluster, namespace, pod, channel: job.data.reply.channel, createdAt: now().toISOString() };
    if (job.id !== undefined) state.jobId = job.id;
    return state;
  }

  async function diagnoseMode(job: DiagnosisJob, signal?: AbortSignal): Promise<DiagnosisResult> {
    const data = job.data;
    const query: TargetQuery = { text: data.target.text };
    if (data.target.namespace !== undefined) query.namespace = data.target.namespace;
    if (data.allowedNamespaces !== undefined) query.allowedNamespaces = data.allowedNamespaces;
    let resolved = await deps.resolveTarget(deps.gateway, query, signal);
    // An alert's pod may be gone (replaced by its controller): diagnose the workload's current crashing pod.
    if (resolved.kind === 'not-found' && data.target.fallback !== undefined) resolved = await deps.resolveTarget(deps.gateway, { ...query, text: data.target.fallback }, signal);
    if (resolved.kind === 'not-found') {
      // The resolver's message ends with its own "Did you mean: …?" (the CLI prints it as is); the Slack
      // message lists the suggestions itself, so that sentence is dropped here rather than said twice.
      const message = resolved.suggestions.length > 0 ? resolved.message.replace(/\s*Did you mean: [^\n]*\?$/, '') : resolved.message;
      await tell(job, 'not-found', notFoundMessage(targetText(data), message.replace(/\.$/, ''), resolved.suggestions));
      throw new PermanentJobError('NOT_FOUND', resolved.message);
    }
    if (resolved.kind === 'ambiguous') {
      const stateIds = await Promise.all(resolved.candidates.slice(0, 20).map((c) => deps.states.save(podState(job, c.namespace, c.name))));
      await tell(job, 'ambiguous', podListMessage(`"${targetText(data)}" matches ${resolved.candidates.length} pods; pick one:`, resolved.candidates, stateIds));
      return { status: 'ambiguous', count: resolved.candidates.length };
    }

    const snapshot = await deps.captureSnapshot(deps.gateway, resolved.namespace, resolved.name, { signal, now });
    const report = deps.diagnose(snapshot);
    const incident = data.incident ?? incidentOf(cluster, snapshot);
    const incidentKey = incidentId(incident);
    const primary = report.findings[0];

    // Where: an explicit thread, else the incident's existing thread, else a new parent message.
    let channel = data.reply.channel;
    let threadTs = data.reply.threadTs;
    if (threadTs === undefined && deps.incidentThread !== undefined) {
      const existing = await deps.incidentThread(incident);
      if (existing !== undefined) {
        channel = existing.channel;
        threadTs = existing.ts;
      }
    }

    const base = podState(job, report.pod.namespace, report.pod.name);
    base.channel = channel;
    base.incident = incident;
    if (primary !== undefined) {
      base.container = primary.container;
      base.cause = primary.cause;
    }
    const owners = snapshot.owners ?? [];
    const top = owners[owners.length - 1];
    if (top !== undefined) base.workload = { kind: top.kind, name: top.name };
    const revision = rollbackRevision(report);
    if (revision !== undefined) base.toRevision = revision;
    if (threadTs !== undefined) base.threadTs = threadTs;

    // A retry saves fresh state; the updated message's buttons point at it.
    const key = `${job.id ?? 'nojob'}:${incidentKey}`;
    const stateId = await deps.states.save(base);
    const stateIds: Partial<Record<ActionId, string>> = {};
    if (primary !== undefined) {
      for (const id of [ACTION_IDS.previousLogs, ACTION_IDS.sleepOverride, ACTION_IDS.debugCopy, ACTION_IDS.rolloutUndo]) stateIds[id] = stateId;
    }
    const ctx = { cluster, incident: incidentKey, stateIds };
    const parentTarget = threadTs === undefined ? { channel } : { channel, threadTs };
    const parent = await deps.poster.postReport(`${key}:parent`, parentTarget, renderReport(report, ctx), signal);
    const thread = { channel: parent.channel, threadTs: threadTs ?? parent.ts };
    if (threadTs === undefined) await deps.states.update(stateId, { ...base, channel: parent.channel, threadTs: parent.ts });

    const log = primary === undefined ? undefined : snapshot.logs[primary.container]?.previous;
    const logFile = primary === undefined ? undefined : planLogFile(report.pod, primary.container, log === null || log === undefined ? log : deps.redact(log));
    const replies = renderThread(report, ctx, logFile);
    for (const [i, reply] of replies.entries()) {
      await deps.poster.postThreadReply(`${key}:reply:${i}`, thread, reply, signal);
    }
    if (logFile !== undefined) await deps.poster.uploadFile(`${key}:log`, thread, logFile, signal);
    if (deps.onReportPosted !== undefined) await deps.onReportPosted(incident, parent, report);
    return { status: 'posted', channel: parent.channel, ts: parent.ts, cause: primary?.cause ?? 'none', reused: parent.reused, incident: incidentKey };
  }

  return async function processDiagnosisJob(job: DiagnosisJob, signal?: AbortSignal): Promise<DiagnosisResult> {
    try {
      return job.data.mode === 'list' ? await listMode(job, signal) : await diagnoseMode(job, signal);
    } catch (error) {
      const classified = classifyError(error);
      const target = targetText(job.data) || cluster;
      if (classified instanceof RetryableJobError) {
        const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        const unreachable = classified.code === 'UNAVAILABLE' || classified.code === 'TIMEOUT';
        // Unreachable: say so at once and again when giving up. Anything else (e.g. a Slack hiccup) is
        // retried quietly; the user hears only if it never works.
        if ((unreachable && job.attemptsMade === 0) || last) {
          const message = unreachable ? unreachableMessage(cluster, classified.userMessage, !last) : failedMessage(target, classified.userMessage);
          await tell(job, last ? 'gave-up' : 'retrying', message).catch(() => undefined);
        }
        throw classified;
      }
      if (!(error instanceof PermanentJobError)) {
        // Told already for resolution failures; tell now for cluster errors met later.
        const message =
          classified.code === 'FORBIDDEN' || classified.code === 'UNAUTHORIZED'
            ? forbiddenMessage(target, classified.userMessage)
            : classified.code === 'SLACK_REJECTED'
              ? { text: fallbackText(classified.userMessage), blocks: [] }
              : failedMessage(target, classified.userMessage);
        await tell(job, 'failed', message).catch(() => undefined);
      }
      throw classified;
    }
  };
}

export type DiagnosisProcessor = ReturnType<typeof createDiagnosisProcessor>;
