// The seam between the Slack button listeners (handlers/) and the report actions (src/actions/).
// Listeners parse and ack; an ActionExecutor authorizes, deduplicates, executes and audits.

export const ACTION_IDS = {
  previousLogs: 'crashloop_previous_logs',
  debugCopy: 'crashloop_debug_copy',
  sleepOverride: 'crashloop_sleep_override',
  sleepRevert: 'crashloop_sleep_revert',
  debugDelete: 'crashloop_debug_delete',
  rolloutUndo: 'crashloop_rollout_undo',
  /** An ephemeral debug container in the original pod (pods/ephemeralcontainers). */
  debugEphemeral: 'crashloop_debug_ephemeral',
  diagnose: 'crashloop_diagnose',
  /** Quiet controls on an incident's parent: "@bob is on it", mute for an hour or until resolved, unmute. */
  acknowledge: 'crashloop_acknowledge',
  muteHour: 'crashloop_mute_hour',
  muteResolved: 'crashloop_mute_resolved',
  unmute: 'crashloop_unmute',
} as const;
export type ActionId = (typeof ACTION_IDS)[keyof typeof ACTION_IDS];

/**
 * read: pods, logs, reports; debug: a copy or an ephemeral container beside the workload (the workload
 * itself is untouched); write: anything that changes the workload or deletes (sleep override, revert,
 * rollback, delete). Sleep override is write: it removes the probes and command of every replica.
 */
export type ActionClass = 'read' | 'debug' | 'write';

/** A button click, parsed from a block_actions payload. */
export interface ActionRequest {
  actionId: ActionId;
  /** The opaque id from the button's value; points at server-side state in Redis. */
  stateId: string;
  /** Extra choice from a select menu (container name, revision), when the element is a select. */
  selected?: string;
  user: { id: string; teamId?: string; name?: string };
  channel: string;
  /** The message carrying the button. */
  messageTs: string;
  /** Thread of the report (the parent ts); equals messageTs for a parent message. */
  threadTs: string;
  /** Slack's unique id of this click (action_ts), part of the idempotency key with the state id. */
  actionTs: string;
  responseUrl?: string;
  triggerId?: string;
}

export type ActionOutcome = (
  | { status: 'done'; message: string }
  | { status: 'denied'; message: string }
  | { status: 'duplicate'; message: string }
  | { status: 'expired'; message: string }
  /** Nothing executed: the incident resolved, or the workload moved since the report (the reason says which). */
  | { status: 'stale'; message: string }
  | { status: 'failed'; message: string }
) & {
  /**
   * Idempotency key of the thread reply saying this outcome. An execution's result is keyed on the
   * execution (its idempotency key and claim), so a Slack retry answered "already running" cannot take
   * the place of the result. Absent: the listener keys the reply on the click (state, action, action_ts).
   */
  replyKey?: string;
  /**
   * The reason is for the clicker only (an ephemeral answer): a denial, an expired or stale button, a
   * click from the wrong message. `auditLine` is what the thread shows instead (none when absent).
   */
  private?: boolean;
  auditLine?: string;
};

export interface ActionExecutor {
  execute(request: ActionRequest, signal?: AbortSignal): Promise<ActionOutcome>;
}

/** The class of each action, for the authorization policy. `diagnose` only reads. */
export const ACTION_CLASSES: Record<ActionId, ActionClass> = {
  [ACTION_IDS.previousLogs]: 'read',
  [ACTION_IDS.diagnose]: 'read',
  [ACTION_IDS.debugCopy]: 'debug',
  // Takes every replica out of service (no probes, sleeping container): as strong as a rollback, and in
  // the same class as its Revert, so whoever may start one may end it.
  [ACTION_IDS.sleepOverride]: 'write',
  [ACTION_IDS.debugEphemeral]: 'debug',
  [ACTION_IDS.sleepRevert]: 'write',
  [ACTION_IDS.debugDelete]: 'write',
  [ACTION_IDS.rolloutUndo]: 'write',
  // Quiet controls touch no cluster and only change what the bot posts: whoever may read the report may
  // say they are on it or quiet it. Each names who did it on the parent, which keeps being edited.
  [ACTION_IDS.acknowledge]: 'read',
  [ACTION_IDS.muteHour]: 'read',
  [ACTION_IDS.muteResolved]: 'read',
  [ACTION_IDS.unmute]: 'read',
};
