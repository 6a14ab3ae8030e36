// What every action handler gets, and what it returns.
import type { ClusterWriter } from '../cluster/actions/cluster-writer.ts';
import type { ActionSlack, SlackBlock } from './slack-port.ts';
import type { ActionState, StateStore } from './state.ts';
import type { ActionRequest } from './types.ts';
import { button } from '../slack/render/buttons.ts';
import type { ActionId } from './types.ts';

export interface DebugCleanupJob {
  cluster: string;
  namespace: string;
  pod: string;
}

export interface ActionSettings {
  dryRun: boolean;
  debugCommand: string[];
  debugTtlSeconds: number;
  followTimeoutMs: number;
  followPollMs: number;
  logTailLines: number;
}

export interface ActionContext {
  request: ActionRequest;
  state: ActionState;
  writer: ClusterWriter;
  slack: ActionSlack;
  states: StateStore;
  settings: ActionSettings;
  now: () => Date;
  signal?: AbortSignal;
  /** Runs work after the click is answered (rollout follow); the executor tracks it for drain(). */
  background(task: () => Promise<unknown>): void;
  scheduleDebugCleanup(job: DebugCleanupJob, delayMs: number): Promise<void>;
}

/** Result of a handler: `message` is the audit line ("<@U1> rolled back …"). A failed one changed nothing. */
export type HandlerResult = { status: 'done' | 'failed'; message: string };

export function post(ctx: ActionContext, text: string, blocks?: SlackBlock[]): Promise<{ ts: string }> {
  return ctx.slack.postMessage({ channel: ctx.request.channel, threadTs: ctx.request.threadTs, text, ...(blocks === undefined ? {} : { blocks }) });
}

/** A section with one button whose state is saved now. */
export async function messageWithButton(ctx: ActionContext, text: string, actionId: ActionId, label: string, state: Omit<ActionState, 'v' | 'expiresAt'>, options: { style?: 'primary' | 'danger'; confirm?: string } = {}): Promise<SlackBlock[]> {
  const stateId = await ctx.states.save(state);
  return [
    { type: 'section', text: { type: 'mrkdwn', text } },
    { type: 'actions', elements: [{ ...button(actionId, stateId, { label, ...options }) }] },
  ];
}

export function who(ctx: ActionContext): string {
  return `<@${ctx.request.user.id}>`;
}

export function dryRunNote(ctx: ActionContext): string {
  return ctx.settings.dryRun ? ' [dry run: validated by the API server, nothing changed]' : '';
}
