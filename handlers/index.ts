// Registers every Slack listener on the app. The composition root (src/app.ts) calls this once.
import type { BlockAction, ButtonAction, Middleware, SlackActionMiddlewareArgs, SlackCommandMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { ACTION_IDS, type ActionExecutor, type ActionId } from '../src/actions/types.ts';
import type { ActionStateStore } from '../src/slack/action-state.ts';
import type { SlackPoster } from '../src/slack/post.ts';
import type { JobRouter } from '../src/queue/queues.ts';
import type { Policy } from '../src/auth/policy.ts';
import type { PrincipalLookup } from '../src/auth/principal.ts';
import { createCrashloopCommandHandler } from './crashloop-command.ts';
import { createDiagnoseActionHandler } from './diagnose-action.ts';
import { createReportActionHandler } from './report-action.ts';
import { createFeedbackOpenHandler } from './feedback-open.ts';
import { createFeedbackSubmitHandler } from './feedback-submit.ts';
import type { FeedbackService } from '../src/feedback/service.ts';
import { FEEDBACK_ACTION_ID, FEEDBACK_VIEW_ID } from '../src/feedback/types.ts';
import type { AckLookups } from '../src/slack/report-location.ts';

export interface SlackHandlerDeps {
  router: Pick<JobRouter, 'enqueue' | 'clusters'>;
  states: Pick<ActionStateStore, 'load'>;
  poster: Pick<SlackPoster, 'postThreadReply' | 'postEphemeral'>;
  executor: ActionExecutor;
  /** The one policy every path decides with (the executor holds the same one). */
  policy?: Policy;
  principal?: PrincipalLookup;
  now?: () => Date;
  log?: (message: string, error?: unknown) => void;
  /** The "Wrong diagnosis?" loop (docs/feedback.md); without it the button has no listener. */
  feedback?: FeedbackService;
  /** What the acks of /crashloop and Diagnose say besides "queued": worker presence, the open incident. */
  ack?: AckLookups;
}

/** The subset of Bolt's App the listeners need; a recorder in tests. */
export interface ListenerRegistry {
  command(name: string, listener: Middleware<SlackCommandMiddlewareArgs>): unknown;
  action(constraints: { type: 'block_actions'; action_id: string }, listener: Middleware<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>>): unknown;
  /** Modal submissions (view_submission), by callback_id. */
  view?(callbackId: string, listener: Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>>): unknown;
}

export const SLASH_COMMAND = '/crashloop';

/** Registers the slash command and every button; returns the action_ids it registered. */
export function registerSlackHandlers(app: ListenerRegistry, deps: SlackHandlerDeps): ActionId[] {
  const common = deps.log === undefined ? {} : { log: deps.log };
  const nowDep = deps.now === undefined ? {} : { now: deps.now };
  const auth = { ...(deps.policy === undefined ? {} : { policy: deps.policy }), ...(deps.principal === undefined ? {} : { principal: deps.principal }) };
  const ack = { ...(deps.ack?.presence === undefined ? {} : { presence: deps.ack.presence }), ...(deps.ack?.locate === undefined ? {} : { locate: deps.ack.locate }) };
  app.command(SLASH_COMMAND, createCrashloopCommandHandler({ router: deps.router, ...auth, ...ack, ...nowDep, ...common }));
  const registered: ActionId[] = [];
  for (const actionId of Object.values(ACTION_IDS)) {
    const listener =
      actionId === ACTION_IDS.diagnose
        ? createDiagnoseActionHandler({ router: deps.router, states: deps.states, ...auth, ...ack, ...nowDep, ...common })
        : createReportActionHandler(actionId, { executor: deps.executor, poster: deps.poster, ...common });
    app.action({ type: 'block_actions', action_id: actionId }, listener);
    registered.push(actionId);
  }
  if (deps.feedback !== undefined && app.view !== undefined) {
    app.action({ type: 'block_actions', action_id: FEEDBACK_ACTION_ID }, createFeedbackOpenHandler({ service: deps.feedback, ...common }));
    app.view(FEEDBACK_VIEW_ID, createFeedbackSubmitHandler({ service: deps.feedback, ...common }));
  }
  return registered;
}
