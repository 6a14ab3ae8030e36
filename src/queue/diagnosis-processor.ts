// The diagnosis job: resolve the target, capture a snapshot, diagnose it and hand the report to the Slack
// outbox. A plain `(job, signal) => Promise<Result>` function; errors steer BullMQ's retries and the
// user hears why in plain words. It never waits for Slack's pace: every message is an outbox document.
// A workload with an open incident gets its report as the incident's parent (edited in place), with
// thread replies only when the diagnosis says something new, within the incident's noise budget.
import type { Report, Snapshot } from '../../diagnostics/types.ts';
import type { CaptureSnapshot, ClusterGateway, ResolveResult, TargetQuery } from '../cluster/types.ts';
import type { ActionStateStore, ActionState } from '../slack/action-state.ts';
import type { SlackPoster } from '../slack/post.ts';
import type { IncidentStore } from '../incidents/store.ts';
import { parentKey, renderParent } from '../incidents/parent-message.ts';
import { diagnosisSignature, summarize } from '../incidents/summary.ts';
import { PRIORITY, type OutboxFile, type PutOptions } from '../slack/outbox.ts';
import { refreshStormDigest } from '../incidents/storm-digest.ts';
import type { StormTracker } from '../incidents/storm.ts';
import type { OutboxContent, OutboxTarget } from '../slack/outbox-store.ts';
import { mrkdwn, text, trusted } from '../slack/mrkdwn.ts';
import { ACTION_IDS, type ActionId } from '../actions/types.ts';
import { DEFAULT_DEBUG_COMMAND, renderReport, rollbackRevision } from '../slack/render/report.ts';
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
import { isSlackResponseUrl, validateJobData } from './job-schema.ts';
import { parseTarget } from '../cluster/names.ts';
import { authorizeReport, DEFAULT_POLICY, type Decision, type Policy, type Principal } from '../auth/policy.ts';
import type { PrincipalLookup } from '../auth/principal.ts';
import type { FeedbackStore } from '../feedback/store.ts';
import { deniedMessage, withheldMessage } from '../slack/render/denied.ts';

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
  /** For response_url answers (slash commands): not paced, not rate-limited per channel. */
  poster: Pick<SlackPoster, 'respond'>;
  /** Every channel message goes through the outbox (src/slack/outbox.ts). */
  outbox: DiagnosisOutbox;
  states: ActionStateStore;
  /** Open incidents (Alertmanager); a report about one becomes its parent message. */
  incidents?: IncidentStore;
  /** Storms (src/incidents/storm.ts): a storm member's cause goes into its channel's digest. */
  storms?: StormTracker;
  now?: () => Date;
  /** Who may see what; decided here again for every job (default: read for everyone). */
  policy?: Policy;
  /** The requester's Slack groups, for group grants (default: none). */
  principal?: PrincipalLookup;
  /** Namespace globs this deployment may look at (CRASHLOOP_ALLOWED_NAMESPACES); never taken from the job. */
  allowedNamespaces?: string[];
  /** Keeps each report's redacted snapshot for its "Wrong diagnosis?" button (docs/feedback.md); absent: no button. */
  feedback?: Pick<FeedbackStore, 'saveSnapshot'>;
  /** Where ephemeral answers may be posted (default: Slack's hooks.slack.com). */
  responseUrlAllowed?: (url: string) => boolean;
  log?: (message: string, error?: unknown) => void;
  /** The command the sleep override sets (ACTIONS_DEBUG_COMMAND), named in its confirm dialog. */
  debugCommand?: string;
}

export interface DiagnosisOutbox {
  put(key: string, target: OutboxTarget, content: OutboxContent, options?: PutOptions): Promise<void>;
  upload(key: string, target: OutboxTarget, file: OutboxFile): Promise<boolean>;
}

export type DiagnosisResult =
  | { status: 'posted'; channel: string; key: string; cause: string; news: boolean; incident: string }
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

function namedNamespace(data: DiagnosisJobData): string | undefined {
  try {
    return parseTarget(data.target.text, data.target.namespace).namespace;
  } catch {
    return undefined;
  }
}

function targetText(data: DiagnosisJobData): string {
  return data.target.namespace === undefined || data.target.text.includes('/') ? data.target.text : `${data.target.namespace}/${data.target.text}`;
}

/** For a slash command whose workload has an open incident: where its report went. */
function incidentPointer(incident: IncidentKey, channel: string): RenderedMessage {
  // A channel id checked against Slack's id shape is the bot's own markup.
  const where = /^[A-Z0-9]{2,20}$/.test(channel) ? trusted(`<#${channel}>`) : text('the alert channel');
  const message = mrkdwn`${incident.namespace}/${incident.workload} has an open incident: its report is the incident's message in ${where}, with the detail in its thread.`;
  return { text: message.text, blocks: [] };
}

export function createDiagnosisProcessor(deps: DiagnosisDeps) {
  const now = deps.now ?? (() => new Date());
  const cluster = deps.gateway.cluster;

  const policy = deps.policy ?? DEFAULT_POLICY;
  const responseUrlAllowed = deps.responseUrlAllowed ?? ((url: string) => isSlackResponseUrl(url));
  const allowedNamespaces = deps.allowedNamespaces;

  /** Who asked, for user-initiated jobs; undefined for alerts (the routed channel is the audience). */
  async function requesterOf(data: DiagnosisJobData): Promise<Principal | undefined> {
    if (data.origin === 'alertmanager') return undefined;
    const userId = data.requestedBy ?? data.reply.userId;
    // A user-initiated job without a Slack user id can see nothing.
    if (userId === undefined || !/^[UW][A-Z0-9]{2,}$/.test(userId)) return { userId: '(unknown)', groupIds: [] };
    return deps.principal === undefined ? { userId, groupIds: [] } : deps.principal(userId);
  }

  function decide(namespace: string, channel: string, who: Principal | undefined): Decision {
    return authorizeReport(policy, { cluster, namespace }, channel, who);
  }

  async function tell(job: DiagnosisJob, kind: string, message: RenderedMessage): Promise<void> {
    const reply = job.data.reply;
    if (reply.responseUrl !== undefined && responseUrlAllowed(reply.responseUrl)) {
      await deps.poster.respond(reply.responseUrl, message);
      return;
    }
    const target = reply.threadTs === undefined ? { channel: reply.channel } : { channel: reply.channel, threadTs: reply.threadTs };
    await deps.outbox.put(`job:${job.id ?? 'nojob'}:notice:${kind}`, target, message, { priority: PRIORITY.notice });
  }

  async function listMode(job: DiagnosisJob, who: Principal | undefined, signal?: AbortSignal): Promise<DiagnosisResult> {
    // Only the pods of namespaces the requester may read, and that may be shown in this channel.
    const pods = (await deps.listCrashingPods(deps.gateway, allowedNamespaces, signal)).filter((p) => decide(p.namespace, job.data.reply.channel, who).allowed);
    if (pods.length === 0) {
      await tell(job, 'list', noCrashingPodsMessage(cluster, allowedNamespaces));
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
    if (job.data.reply.teamId !== undefined) state.teamId = job.data.reply.teamId;
    return state;
  }

  async function diagnoseMode(job: DiagnosisJob, who: Principal | undefined, signal?: AbortSignal): Promise<DiagnosisResult> {
    const data = job.data;
    const query: TargetQuery = { text: data.target.text, mayRead: (ns) => decide(ns, data.reply.channel, who).allowed };
    if (data.target.namespace !== undefined) query.namespace = data.target.namespace;
    if (allowedNamespaces !== undefined) query.allowedNamespaces = allowedNamespaces;
    // A named namespace is decided before any cluster call, so a refusal says why rather than "not found".
    const named = namedNamespace(data);
    if (named !== undefined) {
      const first = decide(named, data.reply.channel, who);
      if (!first.allowed) await refuse(job, who, first.reason);
    }
    let resolved = await deps.resolveTarget(deps.gateway, query, signal);
    // An alert's pod may be gone (replaced by its controller): diagnose the workload's current crashing pod.
    if (resolved.kind === 'not-found' && data.target.fallback !== undefined) resolved = await deps.resolveTarget(deps.gateway, { ...query, text: data.target.fallback }, signal);
    if (resolved.kind === 'not-found') {
      // The resolver's message ends with its own "Did you mean: …?" (the CLI prints it as is); the Slack
      // message lists the suggestions itself, so that sentence is dropped here rather than said twice.
      const message = resolved.suggestions.length > 0 ? resolved.message.replace(/\s*Did you mean: [^\n]*\?$/, '') : resolved.message;
      await tell(job, 'not-found', notFoundMessage(targetText(data), message.replace(/\.$/, ''), resolved.suggestions, cluster));
      throw new PermanentJobError('NOT_FOUND', resolved.message);
    }
    if (resolved.kind === 'ambiguous') {
      const stateIds = await Promise.all(resolved.candidates.slice(0, 20).map((c) => deps.states.save(podState(job, c.namespace, c.name))));
      await tell(job, 'ambiguous', podListMessage(`"${targetText(data)}" matches ${resolved.candidates.length} pods; pick one:`, resolved.candidates, stateIds));
      return { status: 'ambiguous', count: resolved.candidates.length };
    }

    // Decided before anything is read from the pod: may this requester (or, for an alert, this
    // channel) see this namespace? The job's incident, if any, must be about the same namespace.
    const early = decide(resolved.namespace, data.reply.channel, who);
    if (!early.allowed) await refuse(job, who, early.reason);
    if (data.incident !== undefined && (data.incident.namespace !== resolved.namespace || data.incident.cluster !== cluster)) {
      throw new PermanentJobError('BAD_REQUEST', `the job's incident (${incidentId(data.incident)}) is not about ${resolved.namespace} in ${cluster}`);
    }

    const snapshot = await deps.captureSnapshot(deps.gateway, resolved.namespace, resolved.name, { signal, now });
    const report = deps.diagnose(snapshot);
    const incident = data.incident ?? incidentOf(cluster, snapshot);
    const incidentKey = incidentId(incident);
    const primary = report.findings[0];
    const open = deps.incidents === undefined ? undefined : await deps.incidents.get(incident);
    const inIncident = open !== undefined && (open.status === 'firing' || data.origin === 'alertmanager');
    const channel = inIncident ? open.channel : data.reply.channel;
    // One key per logical message: the incident's parent, or this job's own report.
    const reportKey = inIncident ? parentKey(incident) : `report:${job.id ?? `${incidentKey}:${data.requestedAt}`}`;
    // A report that goes to another channel (the incident's) is decided again for that channel.
    if (channel !== data.reply.channel) {
      const moved = decide(resolved.namespace, channel, who);
      if (!moved.allowed) await refuse(job, who, moved.reason);
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
    // What the write buttons' confirm dialogs name; a click refuses if the workload moved since.
    const history = snapshot.history ?? [];
    const current = history.length === 0 ? undefined : Math.max(...history.map((h) => h.revision));
    if (current !== undefined && base.workload !== undefined) base.revision = current;
    const debugCommand = deps.debugCommand ?? DEFAULT_DEBUG_COMMAND;
    base.debugCommand = debugCommand;
    // Bound to the message that will carry the buttons: the outbox posts it under reportKey.
    base.messageKey = reportKey;
    const stateId = await deps.states.save(base);
    const stateIds: Partial<Record<ActionId, string>> = {};
    if (primary !== undefined) {
      for (const id of [ACTION_IDS.previousLogs, ACTION_IDS.sleepOverride, ACTION_IDS.debugCopy, ACTION_IDS.rolloutUndo]) stateIds[id] = stateId;
    }
    // The "Wrong diagnosis?" button appears only once its snapshot is kept (redacted, bounded, with a TTL).
    const feedbackId = await keepSnapshot(stateId, snapshot, report);
    const ctx = { cluster, incident: incidentKey, stateIds, debugCommand, ...(base.workload === undefined ? {} : { workload: base.workload }), ...(feedbackId === undefined ? {} : { feedbackId }) };

    let news = true;
    if (inIncident && deps.incidents !== undefined) {
      const summary = summarize(report, now(), { stateId, debugCommand, ...(revision === undefined ? {} : { rollbackRevision: revision }), ...(current === undefined ? {} : { currentRevision: current }), ...(feedbackId === undefined ? {} : { feedbackId }) });
      if (summary !== undefined) news = (await deps.incidents.setDiagnosis(incident, summary, diagnosisSignature(report))).news;
      // A storm member: its cause goes into the digest first (the digest outranks parents in the outbox).
      if (deps.storms !== undefined) {
        const storm = await deps.storms.diagnosed(channel, incident, primary?.cause ?? 'no crash found');
        if (storm !== undefined) await refreshStormDigest(deps.storms, deps.outbox, channel, storm, now());
      }
      const state = await deps.incidents.get(incident);
      // Without a deferral this also sends a storm parent that was waiting for its diagnosis.
      if (state !== undefined) await deps.outbox.put(reportKey, { channel }, renderParent(state, now()), { priority: PRIORITY.parent });
    } else {
      const target = data.reply.responseUrl === undefined ? { channel } : { channel, responseUrl: data.reply.responseUrl };
      await deps.outbox.put(reportKey, target, renderReport(report, ctx), { priority: PRIORITY.parent });
    }

    // Detail goes to the thread only when it is new; a repeat only refreshed the parent above.
    const thread = { channel, threadKey: reportKey };
    const log = primary === undefined ? undefined : snapshot.logs[primary.container]?.previous;
    const logFile = primary === undefined ? undefined : planLogFile(report.pod, primary.container, log === null || log === undefined ? log : deps.redact(log));
    if (news) {
      const replies = renderThread(report, ctx, logFile);
      const allowed = inIncident && deps.incidents !== undefined ? await deps.incidents.takeReplies(incident, replies.length, now()) : replies.length;
      const signature = diagnosisSignature(report);
      for (const [i, reply] of replies.slice(0, allowed).entries()) {
        await deps.outbox.put(`${reportKey}:d${signature}:${i}`, thread, reply, { priority: PRIORITY.reply });
      }
    }
    // Once per crashed instance: pod uid, container and restart count name it.
    // A muted incident gets no new posts (its thread replies were folded by takeReplies above).
    const muted = inIncident && deps.incidents !== undefined && (await deps.incidents.isMuted(incident, now()));
    if (logFile !== undefined && primary !== undefined && !muted) {
      const restarts = report.timeline.find((t) => t.container === primary.container)?.restartCount ?? 0;
      const uid = snapshot.pod.metadata?.uid ?? `${report.pod.namespace}/${report.pod.name}`;
      await deps.outbox.upload(`log:${uid}:${primary.container}:${restarts}`, thread, logFile);
    }
    if (inIncident && data.reply.responseUrl !== undefined) {
      await deps.poster.respond(data.reply.responseUrl, incidentPointer(incident, channel)).catch(() => undefined);
    }
    return { status: 'posted', channel, key: reportKey, cause: primary?.cause ?? 'none', news, incident: incidentKey };
  }

  async function keepSnapshot(stateId: string, snapshot: Snapshot, report: Report): Promise<string | undefined> {
    if (deps.feedback === undefined) return undefined;
    try {
      const saved = await deps.feedback.saveSnapshot(stateId, cluster, snapshot, report);
      if (saved.saved) return stateId;
      deps.log?.(`feedback: the snapshot of ${report.pod.namespace}/${report.pod.name} is not kept (${saved.reason}); its report has no "Wrong diagnosis?" button`);
    } catch (error) {
      deps.log?.('feedback: could not keep the snapshot; the report has no "Wrong diagnosis?" button', error);
    }
    return undefined;
  }

  /** Says no (ephemerally to a requester, in the channel for an alert) and stops the job for good. */
  async function refuse(job: DiagnosisJob, who: Principal | undefined, reason: string): Promise<never> {
    await tell(job, 'denied', who === undefined ? withheldMessage(reason) : deniedMessage(reason)).catch(() => undefined);
    throw new PermanentJobError('FORBIDDEN', reason);
  }

  /** A storm member whose diagnosis gave up is listed as "could not be diagnosed", not "diagnosing" forever. */
  async function stormGaveUp(job: DiagnosisJob, code: string): Promise<void> {
    const incident = job.data.incident;
    if (deps.storms === undefined || incident === undefined || job.data.origin !== 'alertmanager') return;
    const channel = job.data.reply.channel;
    try {
      const storm = await deps.storms.failed(channel, incident, code);
      if (storm !== undefined) await refreshStormDigest(deps.storms, deps.outbox, channel, storm, now());
    } catch (error) {
      deps.log?.('storm digest: could not record a failed diagnosis', error);
    }
  }

  return async function processDiagnosisJob(rawJob: DiagnosisJob, signal?: AbortSignal): Promise<DiagnosisResult> {
    // Redis is a trust boundary: a job that does not validate is dropped without a word to anyone it names.
    const valid = validateJobData(rawJob.data);
    if (!valid.ok) {
      deps.log?.(`dropped job ${rawJob.id ?? '?'}: its data is not a valid diagnosis job (${valid.problems})`);
      throw new PermanentJobError('BAD_REQUEST', `invalid job data: ${valid.problems}`);
    }
    const job: DiagnosisJob = { ...rawJob, data: valid.data };
    try {
      const who = await requesterOf(job.data);
      return job.data.mode === 'list' ? await listMode(job, who, signal) : await diagnoseMode(job, who, signal);
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
        if (last) await stormGaveUp(job, classified.code);
        throw classified;
      }
      await stormGaveUp(job, classified.code);
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
