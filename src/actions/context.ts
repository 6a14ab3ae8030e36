// What every action handler gets, and what it returns.
import type { ClusterWriter } from '../cluster/actions/cluster-writer.ts';
import type { ActionSlack, SlackBlock } from './slack-port.ts';
import type { ActionState, ActionStateStore } from '../slack/action-state.ts';
import { incidentId } from '../queue/types.ts';
import type { RollbackKind } from './rollback/plan-rollback.ts';
import type { ActionRequest } from './types.ts';
import { button, type ConfirmDialog } from '../slack/render/buttons.ts';
import { section } from '../slack/render/limits.ts';
import type { Mrkdwn } from '../slack/mrkdwn.ts';
import type { ActionId } from './types.ts';
import type { IncidentStore } from '../incidents/store.ts';

export interface DebugCleanupJob {
  cluster: string;
  namespace: string;
  pod: string;
}

export interface ActionSettings {
  dryRun: boolean;
  debugCommand: string[];
  debugTtlSeconds: number;
  /** Image of the ephemeral debug container. */
  ephemeralImage: string;
  followTimeoutMs: number;
  followPollMs: number;
  logTailLines: number;
  /** How long a duplicate click waits for the first one's result, to quote it. */
  duplicateWaitMs: number;
}

/** What the actions may do to an incident (src/incidents/store.ts). */
export type IncidentActions = Pick<IncidentStore, 'get' | 'setAction' | 'acknowledge' | 'mute' | 'unmute'>;

/** Everything an action gets except the cluster: the quiet controls (acknowledge, mute) need no cluster. */
export interface BaseActionContext {
  request: ActionRequest;
  state: ActionState;
  slack: ActionSlack;
  /** The incident store, where the bot keeps incidents (absent in a bot without them). */
  incidents?: IncidentActions;
  /**
   * Adds how an action ended to the parent's line about it ("rollout 3/3 ready") and edits the parent;
   * a no-op for a report that is not an incident's parent.
   */
  settle(after: string): Promise<void>;
  states: Pick<ActionStateStore, 'load' | 'save'>;
  settings: ActionSettings;
  now: () => Date;
  signal?: AbortSignal;
  /** Runs work after the click is answered (rollout follow); the executor tracks it for drain(). */
  background(task: () => Promise<unknown>): void;
  scheduleDebugCleanup(job: DebugCleanupJob, delayMs: number): Promise<void>;
}

export interface ActionContext extends BaseActionContext {
  writer: ClusterWriter;
}

/** Result of a handler: `message` is the audit line without the user ("rolled back api to revision 6"). */
export type HandlerResult = { status: 'done' | 'failed'; message: string };

/** Posts into the click's thread. `text` is built with the mrkdwn tag (src/slack/mrkdwn.ts): input is escaped. */
export function post(ctx: BaseActionContext, text: Mrkdwn, blocks?: SlackBlock[]): Promise<{ ts: string }> {
  return ctx.slack.postMessage({ channel: ctx.request.channel, threadTs: ctx.request.threadTs, text: text.text, ...(blocks === undefined ? {} : { blocks }) });
}

/** A section with one button whose state is saved now. */
export async function messageWithButton(ctx: ActionContext, text: Mrkdwn, actionId: ActionId, label: string, extra: Partial<ActionState>, options: { style?: 'primary' | 'danger'; confirm?: ConfirmDialog } = {}): Promise<SlackBlock[]> {
  const stateId = await ctx.states.save(followUpState(ctx, extra));
  return [
    section(text),
    { type: 'actions', elements: [{ ...button(actionId, stateId, { label, ...options }) }] },
  ];
}

/** State for a button posted by an action: the clicked button's state, pointing at this thread. */
export function followUpState(ctx: ActionContext, extra: Partial<ActionState>): ActionState {
  // The new button lives on a new message: it inherits the channel and team binding, not the message's.
  const { messageTs: _clicked, revertAnyway: _forced, ...rest } = ctx.state;
  return { ...rest, channel: ctx.request.channel, threadTs: ctx.request.threadTs, createdAt: ctx.now().toISOString(), ...extra };
}

const ROLLBACK_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** The owning workload when it is one the actions can patch. */
export function workloadOf(state: ActionState): { kind: RollbackKind; name: string } | undefined {
  const w = state.workload;
  if (w === undefined || !ROLLBACK_KINDS.includes(w.kind)) return undefined;
  return { kind: w.kind as RollbackKind, name: w.name };
}

export function incidentOf(state: ActionState): string | undefined {
  return state.incident === undefined ? undefined : incidentId(state.incident);
}

export function dryRunNote(ctx: ActionContext): string {
  return ctx.settings.dryRun ? ' [dry run: validated by the API server, nothing changed]' : '';
}
