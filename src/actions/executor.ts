// The ActionExecutor behind the report buttons: load the button's state, authorize, claim the
// idempotency key, execute, audit. Listeners ack first and call execute().
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ClusterWriter } from '../cluster/actions/cluster-writer.ts';
import { ClusterError } from '../cluster/types.ts';
import { authorize, DEFAULT_POLICY, type Policy } from '../auth/policy.ts';
import { attributesFor, describeAttributes, kubeUserFor } from '../auth/kube-identity.ts';
import { createAuditLog, jsonLogger, type AuditLog, type Logger } from './audit.ts';
import { type ActionContext, type ActionSettings, type DebugCleanupJob, type HandlerResult } from './context.ts';
import { debugCopy, debugDelete } from './handlers/debug-copy.ts';
import { debugEphemeral } from './handlers/debug-ephemeral.ts';
import { previousLogs } from './handlers/previous-logs.ts';
import { rollback } from './handlers/rollout-undo.ts';
import { sleepOverride, sleepRevert } from './handlers/sleep-override.ts';
import { acknowledge, mute, unmute } from './handlers/quiet.ts';
import { currentRevision } from './rollback/current-revision.ts';
import { workloadOf, type BaseActionContext, type IncidentActions } from './context.ts';
import { parentKey, renderParent } from '../incidents/parent-message.ts';
import type { OutboxContent } from '../slack/outbox-store.ts';
import { isObject } from './json.ts';
import { mrkdwn, userMention } from '../slack/mrkdwn.ts';
import { clip } from '../slack/render/time.ts';
import { formatDuration } from '../slack/render/time.ts';
import { BUTTON_LABELS } from '../slack/render/buttons.ts';
import { createIdempotencyStore, type IdempotencyStore } from './idempotency.ts';
import type { ActionSlack } from './slack-port.ts';
import { ActionStateStore, BINDING_REFUSED, checkBinding, type ActionState } from '../slack/action-state.ts';
import { createOutboxStore } from '../slack/outbox-store.ts';
import { PRIORITY } from '../slack/outbox.ts';
import { actionOutcomeMessage } from '../slack/render/messages.ts';
import { incidentId } from '../queue/types.ts';
import { ACTION_CLASSES, ACTION_IDS, type ActionExecutor, type ActionId, type ActionOutcome, type ActionRequest } from './types.ts';

export interface ExecutorDeps {
  redis: Redis;
  /** Key prefix (CRASHLOOP_REDIS_PREFIX); the audit stream is `<prefix>:audit`. Default "crashloop". */
  prefix?: string;
  /** The writer for a cluster, or undefined when this process cannot reach it (may load it on first use). */
  writerFor(cluster: string): ClusterWriter | undefined | Promise<ClusterWriter | undefined>;
  slack: ActionSlack;
  /** Parsed with parsePolicy(); default: read for everyone, debug and write for nobody. */
  policy?: Policy;
  logger?: Logger;
  now?: () => Date;
  settings?: Partial<ActionSettings>;
  /** Deletes a debug copy after delayMs (a delayed BullMQ job, see createDebugCleanup). */
  scheduleDebugCleanup?: (job: DebugCleanupJob, delayMs: number) => Promise<void>;
  /** The button state store the report renderer writes (default: one over `redis` with `prefix`). */
  states?: Pick<ActionStateStore, 'load' | 'save' | 'ttl'>;
  /**
   * Post the audit line in the thread from here. Off by default because the report-action listener
   * posts the outcome in the thread itself; turn on where no listener does.
   */
  threadAudit?: boolean;
  idempotency?: IdempotencyStore;
  audit?: AuditLog;
  /**
   * Incidents (src/incidents/store.ts): a click on a resolved incident executes nothing, an action taken
   * is recorded on the incident, acknowledge and mute write here.
   */
  incidents?: IncidentActions;
  /** The outbox (src/slack/outbox.ts): edits the incident's parent, or the report, after an action. */
  parents?: { put(key: string, target: { channel: string }, content: OutboxContent, options?: { priority?: number }): Promise<void> };
}

export interface ActionExecutorHandle extends ActionExecutor {
  /** Resolves when background work (rollout follows) has finished; for tests and graceful shutdown. */
  drain(): Promise<void>;
  readonly states: Pick<ActionStateStore, 'load' | 'save' | 'ttl'>;
}

type Handler = (ctx: ActionContext) => Promise<HandlerResult>;

/** Actions that touch no cluster: no writer, no Kubernetes identity check. */
const QUIET_HANDLERS: Partial<Record<ActionId, (ctx: BaseActionContext) => Promise<HandlerResult>>> = {
  [ACTION_IDS.acknowledge]: acknowledge,
  [ACTION_IDS.muteHour]: mute('hour'),
  [ACTION_IDS.muteResolved]: mute('resolved'),
  [ACTION_IDS.unmute]: unmute,
};

/**
 * The report's own buttons: on a resolved incident they execute nothing (the report is history). The
 * follow-ups an action posted (Revert, Delete now) and the read-only Previous logs stay usable: a sleep
 * override often resolves the alert, and it must still be revertible.
 */
const REPORT_ACTIONS: readonly ActionId[] = [ACTION_IDS.rolloutUndo, ACTION_IDS.sleepOverride, ACTION_IDS.debugCopy, ACTION_IDS.debugEphemeral, ACTION_IDS.acknowledge, ACTION_IDS.muteHour, ACTION_IDS.muteResolved];

/** Actions that act on the template the report saw: refused when the workload's revision moved since. */
const TEMPLATE_ACTIONS: readonly ActionId[] = [ACTION_IDS.rolloutUndo, ACTION_IDS.sleepOverride];

/** Actions whose outcome the incident's parent shows ("rolled back to revision 6 by @alice"). */
const NOTED_ACTIONS: readonly ActionId[] = [ACTION_IDS.rolloutUndo, ACTION_IDS.sleepOverride, ACTION_IDS.sleepRevert, ACTION_IDS.debugCopy, ACTION_IDS.debugEphemeral];

const HANDLERS: Partial<Record<ActionId, Handler>> = {
  [ACTION_IDS.previousLogs]: previousLogs,
  [ACTION_IDS.debugCopy]: debugCopy,
  [ACTION_IDS.debugDelete]: debugDelete,
  [ACTION_IDS.sleepOverride]: sleepOverride,
  [ACTION_IDS.sleepRevert]: sleepRevert,
  [ACTION_IDS.rolloutUndo]: rollback,
  [ACTION_IDS.debugEphemeral]: debugEphemeral,
};

/** Read actions may be repeated after a minute; debug and write ones once per button. */
const READ_REPEAT_MS = 60_000;
const DAY_MS = 24 * 60 * 60 * 1000;

export function settingsFromEnv(env: Record<string, string | undefined> = process.env): Partial<ActionSettings> {
  const out: Partial<ActionSettings> = {};
  if (env.ACTIONS_DRY_RUN !== undefined) out.dryRun = /^(1|true|yes)$/i.test(env.ACTIONS_DRY_RUN.trim());
  const ttl = Number.parseInt(env.ACTIONS_DEBUG_TTL_SECONDS ?? '', 10);
  if (Number.isInteger(ttl) && ttl > 0) out.debugTtlSeconds = ttl;
  if (env.ACTIONS_EPHEMERAL_IMAGE !== undefined && env.ACTIONS_EPHEMERAL_IMAGE.trim() !== '') out.ephemeralImage = env.ACTIONS_EPHEMERAL_IMAGE.trim();
  if (env.ACTIONS_DEBUG_COMMAND !== undefined && env.ACTIONS_DEBUG_COMMAND.trim() !== '') out.debugCommand = env.ACTIONS_DEBUG_COMMAND.trim().split(/\s+/);
  return out;
}

export function createActionExecutor(deps: ExecutorDeps): ActionExecutorHandle {
  const prefix = deps.prefix ?? 'crashloop';
  const logger = deps.logger ?? jsonLogger;
  const now = deps.now ?? (() => new Date());
  const policy = deps.policy ?? DEFAULT_POLICY;
  const states = deps.states ?? new ActionStateStore(deps.redis, { prefix });
  // Report buttons are bound to their message by outbox key; the outbox records the ts once it posts.
  const outboxStore = createOutboxStore(deps.redis, { prefix });
  const messageTsOf = (key: string) => outboxStore.ts(key);
  const idem = deps.idempotency ?? createIdempotencyStore(deps.redis, prefix);
  const audit = deps.audit ?? createAuditLog(deps.redis, logger, { prefix });
  const settings: ActionSettings = {
    dryRun: false,
    debugCommand: ['sleep', '3600'],
    debugTtlSeconds: 3600,
    ephemeralImage: 'busybox:1.36',
    followTimeoutMs: 10 * 60_000,
    followPollMs: 2000,
    logTailLines: 40,
    duplicateWaitMs: 15_000,
    ...deps.settings,
  };
  const pending = new Set<Promise<unknown>>();
  // The latest action noted per execution (for its settle) and per report message (newest wins).
  const noted = new Map<string, Promise<NotedAction | undefined>>();
  const reportNotes = new Map<string, string>();

  const background = (task: () => Promise<unknown>): void => {
    const p = task()
      .catch((err: unknown) => logger.warn({ msg: 'background action task failed', error: String(err) }))
      .finally(() => pending.delete(p));
    pending.add(p);
  };

  async function record(request: ActionRequest, state: ActionState | undefined, outcome: ActionOutcome): Promise<void> {
    const entry = {
      at: now().toISOString(),
      actionId: request.actionId,
      actionClass: ACTION_CLASSES[request.actionId],
      user: request.user.id,
      cluster: state?.cluster,
      namespace: state?.namespace,
      target: state === undefined ? undefined : state.workload === undefined ? `Pod/${state.pod}` : `${state.workload.kind}/${state.workload.name}`,
      incident: state?.incident === undefined ? undefined : incidentId(state.incident),
      channel: request.channel,
      threadTs: request.threadTs,
      stateId: request.stateId,
      outcome: outcome.status,
      message: outcome.message,
      dryRun: settings.dryRun,
    };
    // The three records are independent: a Slack outage must not lose the stream entry, nor the reverse.
    const results = await Promise.allSettled([
      audit.record(entry),
      deps.threadAudit === true && (outcome.private !== true || outcome.auditLine !== undefined)
        ? deps.slack.postMessage({ channel: request.channel, threadTs: request.threadTs, text: actionOutcomeMessage(request.user.id, { status: outcome.status, message: outcome.private === true ? (outcome.auditLine ?? '') : outcome.message }).text })
        : Promise.resolve(),
    ]);
    for (const r of results) if (r.status === 'rejected') logger.warn({ msg: 'audit record failed', error: String(r.reason) });
  }

  async function execute(request: ActionRequest, signal?: AbortSignal): Promise<ActionOutcome> {
    const actionClass = ACTION_CLASSES[request.actionId];
    const handler = HANDLERS[request.actionId];
    const state = await states.load(request.stateId);
    if (state === undefined) {
      const outcome: ActionOutcome = { status: 'expired', message: 'this button has expired (buttons last 24 h), so nothing was done. Run `/crashloop <namespace>/<pod>` again for fresh ones.', private: true };
      await record(request, undefined, outcome);
      return outcome;
    }
    const quiet = QUIET_HANDLERS[request.actionId];
    if (handler === undefined && quiet === undefined) {
      const outcome: ActionOutcome = { status: 'failed', message: `The ${request.actionId} button is not a report action.` };
      await record(request, state, outcome);
      return outcome;
    }
    // The state must belong to the message that was clicked: a value copied (or rewritten in Redis) onto
    // another team, channel or message is refused before anything else.
    const mismatch = await checkBinding(state, { channel: request.channel, messageTs: request.messageTs, teamId: request.user.teamId }, messageTsOf);
    if (mismatch !== undefined) {
      // Said to the clicker only: the thread it points at is not the clicked message's.
      const outcome: ActionOutcome = { status: 'denied', message: `${BINDING_REFUSED} (the ${mismatch} differs)`, private: true };
      await record(request, state, outcome);
      return outcome;
    }
    // Decided now, from the policy, for the clicker and the state's cluster and namespace.
    const groupIds = await deps.slack.userGroups(request.user.id).catch(() => []);
    const decision = authorize(policy, { userId: request.user.id, groupIds }, { cluster: state.cluster, namespace: state.namespace }, actionClass);
    if (!decision.allowed) {
      // The reason (the policy, the rule to add) goes to the clicker; the thread keeps who was refused what.
      const outcome: ActionOutcome = { status: 'denied', message: decision.reason, private: true, auditLine: `was refused "${BUTTON_LABELS[request.actionId]}" on ${targetOf(state)} (not allowed by the bot's policy); nothing was done.` };
      await record(request, state, outcome);
      return outcome;
    }
    // A resolved incident's report buttons execute nothing.
    const incident = state.incident === undefined || deps.incidents === undefined ? undefined : await deps.incidents.get(state.incident);
    if (incident?.status === 'resolved' && REPORT_ACTIONS.includes(request.actionId)) {
      const took = Date.parse(incident.resolvedAt ?? '') - Date.parse(incident.openedAt);
      const outcome: ActionOutcome = {
        status: 'stale',
        message: `${incident.key.workload} in ${incident.key.namespace} (${incident.key.cluster}) is resolved${Number.isNaN(took) ? '' : ` (after ${formatDuration(took)})`}, so this report's "${BUTTON_LABELS[request.actionId]}" did nothing. If it is crashing again, run \`/crashloop ${state.namespace}/${state.pod}\` for a fresh report.`,
        private: true,
      };
      await record(request, state, outcome);
      return outcome;
    }
    if (quiet !== undefined) return runQuiet(request, state, quiet);
    const writer = await deps.writerFor(state.cluster);
    // Kubernetes identity mode: cluster RBAC must also allow it, and the action runs as that user.
    let actingWriter = writer;
    if (policy.kubernetes !== undefined && writer !== undefined) {
      const email = policy.kubernetes.userFrom === 'email' ? await deps.slack.userEmail?.(request.user.id) : undefined;
      const who = kubeUserFor(policy.kubernetes, request.user.id, email);
      let denial: string | undefined;
      if ('error' in who) {
        denial = `cannot be checked against Kubernetes RBAC: ${who.error}.`;
      } else {
        const attributes = attributesFor(request.actionId, state);
        try {
          const review = await writer.reviewAccess(who, attributes, signal);
          if (!review.allowed) denial = `may not ${describeAttributes(attributes)}: Kubernetes RBAC denies it to ${who.user}${review.reason === '' ? '' : ` (${review.reason})`}. Ask a cluster admin for a Role binding.`;
          else actingWriter = writer.impersonate(who);
        } catch (err) {
          // Fail closed: no review, no action.
          denial = `could not be checked against Kubernetes RBAC: ${err instanceof Error ? err.message : String(err)}`;
        }
      }
      if (denial !== undefined) {
        const outcome: ActionOutcome = { status: 'denied', message: denial, private: true, auditLine: `was refused "${BUTTON_LABELS[request.actionId]}" on ${targetOf(state)} (Kubernetes RBAC); nothing was done.` };
        await record(request, state, outcome);
        return outcome;
      }
    }
    // The report saw one revision and one debug command; a click acts on those or on nothing.
    if (actingWriter !== undefined && TEMPLATE_ACTIONS.includes(request.actionId)) {
      const moved = await staleness(actingWriter, state, request.actionId, settings.debugCommand.join(' '), signal);
      if (moved !== undefined) {
        const outcome: ActionOutcome = { status: 'stale', message: moved, private: true };
        await record(request, state, outcome);
        return outcome;
      }
    }
    const key = `${request.actionId}:${request.stateId}${request.selected === undefined ? '' : `:${request.selected}`}`;
    // Debug and write keys outlive the button (its TTL plus a day) so no later click can run it again.
    const ttl = actionClass === 'read' ? READ_REPEAT_MS : Math.max(await states.ttl(request.stateId), 0) * 1000 + DAY_MS;
    const claim = await idem.claim(key, ttl);
    if (!claim.claimed) {
      // A retry or double click racing the first: wait briefly for its result so the reply can quote it.
      const previous = claim.previous ?? (await waitForResult(idem, key, settings.duplicateWaitMs));
      const message =
        previous === 'freed'
          ? 'the same click was just tried and failed without changing anything (see the reply above); click again to retry.'
          : previous === 'running'
            ? 'this action is already running; it runs once, and its result will be posted in this thread.'
            : `already done, nothing more changed (${previous}).`;
      // Its own reply (per click): never the execution's, which carries the result.
      const outcome: ActionOutcome = { status: 'duplicate', message, replyKey: `action:${key}:duplicate:${request.actionTs}` };
      await record(request, state, outcome);
      return outcome;
    }
    // One thread reply per execution, whichever delivery of the click (Slack retries) it answers.
    const replyKey = `action:${key}:${randomUUID()}`;
    // A rollout follow may end before the action's line is noted: its settle waits for the note.
    let settleNote: (action: NotedAction | undefined) => void = () => undefined;
    noted.set(request.stateId, new Promise((resolve) => (settleNote = resolve)));
    let outcome: ActionOutcome;
    if (actingWriter === undefined) {
      outcome = { status: 'failed', message: `This bot process has no access to cluster "${state.cluster}"; nothing was done.` };
    } else {
      const ctx: ActionContext = { ...baseContext(request, state, signal), writer: actingWriter };
      try {
        outcome = handler === undefined ? { status: 'failed', message: `The ${request.actionId} button is not a report action.` } : await handler(ctx);
      } catch (err) {
        const why = err instanceof ClusterError ? err.message : `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
        outcome = { status: 'failed', message: `${request.actionId.replace('crashloop_', '').replace(/_/g, ' ')} failed: ${why}` };
      }
    }
    if (outcome.status === 'done') await idem.complete(key, outcome.message, ttl);
    else await idem.release(key);
    outcome = { ...outcome, replyKey };
    await record(request, state, outcome);
    if (outcome.status === 'done' && NOTED_ACTIONS.includes(request.actionId)) {
      const action = { by: request.user.id, what: outcome.message, at: now().toISOString() };
      await noteOnParent(state, action);
      settleNote(action);
    } else {
      settleNote(undefined);
    }
    return outcome;
  }

  function baseContext(request: ActionRequest, state: ActionState, signal: AbortSignal | undefined): BaseActionContext {
    return {
      request,
      state,
      slack: deps.slack,
      ...(deps.incidents === undefined ? {} : { incidents: deps.incidents }),
      states,
      settings,
      now,
      ...(signal === undefined ? {} : { signal }),
      background,
      scheduleDebugCleanup: deps.scheduleDebugCleanup ?? (async () => logger.warn({ msg: 'no debug cleanup scheduler; the copy relies on activeDeadlineSeconds' })),
      settle: async (after) => {
        // The action's own line, now with how it ended; only if no later action replaced it.
        // Bounded: an execution that threw after its handler never notes (and drain() must not hang on it).
        let timer: NodeJS.Timeout | undefined;
        const mine = await Promise.race([noted.get(request.stateId), new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 30_000)))]).finally(() => clearTimeout(timer));
        noted.delete(request.stateId);
        if (mine === undefined) return;
        const incident = state.incident === undefined || deps.incidents === undefined ? undefined : await deps.incidents.get(state.incident);
        if (incident !== undefined) {
          const current = incident.action;
          if (current === undefined || current.at !== mine.at || current.by !== mine.by) return;
        } else if (state.messageKey !== undefined && reportNotes.get(state.messageKey) !== mine.at) {
          return;
        }
        await noteOnParent(state, { ...mine, after });
      },
    };
  }

  /**
   * Records the action on the incident and edits its parent; a report that is no incident's parent (a
   * `/crashloop` report, bound to its outbox message) gets the same line put into its own blocks.
   */
  async function noteOnParent(state: ActionState, action: { by: string; what: string; after?: string; at: string }): Promise<void> {
    try {
      if (state.incident !== undefined && deps.incidents !== undefined && (await deps.incidents.get(state.incident)) !== undefined) {
        if (await deps.incidents.setAction(state.incident, action)) await refreshParent(state);
      } else {
        await noteOnReport(state, action);
      }
    } catch (err) {
      logger.warn({ msg: 'could not note the action on the report', error: String(err) });
    }
  }

  /** Puts ":hammer_and_wrench: <what> by @user[, <after>]" above the report's buttons (replacing an older line). */
  async function noteOnReport(state: ActionState, action: { by: string; what: string; after?: string; at: string }): Promise<void> {
    const key = state.messageKey;
    if (key === undefined || deps.parents === undefined) return;
    const doc = await outboxStore.get(key);
    if (doc === undefined) return;
    const line = mrkdwn`:hammer_and_wrench: ${clip(action.what, 200)} by ${userMention(action.by)}${action.after === undefined ? '' : `, ${clip(action.after, 120)}`}`;
    const note = { type: 'context', block_id: REPORT_NOTE_BLOCK, elements: [{ type: 'mrkdwn', text: line.text }] };
    const blocks = (doc.content.blocks ?? []).filter((b) => !(isObject(b) && b.block_id === REPORT_NOTE_BLOCK));
    const buttonsAt = blocks.findIndex((b) => isObject(b) && b.type === 'actions');
    blocks.splice(buttonsAt === -1 ? blocks.length : buttonsAt, 0, note);
    reportNotes.set(key, action.at);
    await deps.parents.put(key, { channel: doc.channel }, { ...doc.content, blocks }, { priority: PRIORITY.parent });
  }

  async function refreshParent(state: ActionState): Promise<void> {
    if (state.incident === undefined || deps.incidents === undefined || deps.parents === undefined) return;
    const incident = await deps.incidents.get(state.incident);
    if (incident === undefined) return;
    await deps.parents.put(parentKey(state.incident), { channel: incident.channel }, renderParent(incident, now()), { priority: PRIORITY.parent });
  }

  /** Acknowledge, mute, unmute: no cluster, one execution per click within a minute, then the parent. */
  async function runQuiet(request: ActionRequest, state: ActionState, quiet: (ctx: BaseActionContext) => Promise<HandlerResult>): Promise<ActionOutcome> {
    const key = `${request.actionId}:${request.stateId}:${request.user.id}`;
    const claim = await idem.claim(key, READ_REPEAT_MS);
    if (!claim.claimed) {
      const outcome: ActionOutcome = { status: 'duplicate', message: 'already recorded a moment ago; nothing more changed.', private: true };
      await record(request, state, outcome);
      return outcome;
    }
    let outcome: ActionOutcome;
    try {
      outcome = await quiet(baseContext(request, state, undefined));
    } catch (err) {
      outcome = { status: 'failed', message: `could not record it: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (outcome.status === 'done') await idem.complete(key, outcome.message, READ_REPEAT_MS);
    else await idem.release(key);
    outcome = { ...outcome, replyKey: `action:${key}:${request.actionTs}` };
    await record(request, state, outcome);
    if (outcome.status === 'done') await refreshParent(state).catch((err: unknown) => logger.warn({ msg: 'could not edit the incident parent', error: String(err) }));
    return outcome;
  }

  return {
    execute,
    states,
    async drain() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

interface NotedAction {
  by: string;
  what: string;
  at: string;
}

/** The block that carries the action line on a `/crashloop` report. */
export const REPORT_NOTE_BLOCK = 'crashloop_action_note';

function targetOf(state: ActionState): string {
  const w = state.workload;
  return `${w === undefined ? `pod/${state.pod}` : `${w.kind.toLowerCase()}/${w.name}`} in ${state.namespace} (${state.cluster})`;
}

/**
 * Why a rollback or sleep override must not run on what the report saw, or undefined: the workload's
 * revision moved since the report, or the bot's debug command is not the one the confirm dialog named.
 */
async function staleness(writer: ClusterWriter, state: ActionState, actionId: ActionId, debugCommand: string, signal?: AbortSignal): Promise<string | undefined> {
  const workload = workloadOf(state);
  const fresh = `Run \`/crashloop ${state.namespace}/${state.pod}\` for a fresh report.`;
  if (actionId === ACTION_IDS.sleepOverride && state.debugCommand !== undefined && state.debugCommand !== debugCommand) {
    return `the bot's debug command is now \`${debugCommand}\`, not the \`${state.debugCommand}\` this report's confirm dialog named, so nothing was done. ${fresh}`;
  }
  if (workload !== undefined && state.revision !== undefined) {
    let now: number | undefined;
    try {
      now = await currentRevision(writer, state.namespace, workload.kind, workload.name, signal);
    } catch (err) {
      // Cannot tell: the handler reads the workload itself and says what went wrong.
      if (!(err instanceof ClusterError)) throw err;
      return undefined;
    }
    if (now !== undefined && now !== state.revision) {
      return `${workload.kind.toLowerCase()}/${workload.name} in ${state.namespace} (${state.cluster}) changed since this report: it is at revision ${now}, the report saw revision ${state.revision}. Nothing was done. ${fresh}`;
    }
  }
  return undefined;
}

/** The first attempt's recorded result, 'freed' when it failed (and released the key), 'running' on timeout. */
async function waitForResult(idem: IdempotencyStore, key: string, waitMs: number): Promise<string> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const value = await idem.peek(key);
    if (value === null) return 'freed';
    if (value !== 'pending') return value;
    if (Date.now() >= deadline) return 'running';
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
