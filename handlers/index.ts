// Registers every Slack listener on the app. The composition root (src/app.ts) calls this once.
import type { BlockAction, ButtonAction, Middleware, SlackActionMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { ACTION_IDS, type ActionExecutor, type ActionId } from '../src/actions/types.ts';
import type { ActionStateStore } from '../src/slack/action-state.ts';
import type { SlackPoster } from '../src/slack/post.ts';
import type { JobRouter } from '../src/queue/queues.ts';
import type { Policy } from '../src/auth/policy.ts';
import type { PrincipalLookup } from '../src/auth/principal.ts';
import { createCrashloopCommandHandler } from './crashloop-command.ts';
import { createDiagnoseActionHandler } from './diagnose-action.ts';
import { createReportActionHandler } from './report-action.ts';

export interface SlackHandlerDeps {
  router: Pick<JobRouter, 'enqueue' | 'clusters'>;
  states: Pick<ActionStateStore, 'load'>;
  poster: Pick<SlackPoster, 'postThreadReply'>;
  executor: ActionExecutor;
  /** The one policy every path decides with (the executor holds the same one). */
  policy?: Policy;
  principal?: PrincipalLookup;
  now?: () => Date;
  log?: (message: string, error?: unknown) => void;
}

/** The subset of Bolt's App the listeners need; a recorder in tests. */
export interface ListenerRegistry {
  command(name: string, listener: Middleware<SlackCommandMiddlewareArgs>): unknown;
  action(constraints: { type: 'block_actions'; action_id: string }, listener: Middleware<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>>): unknown;
}

export const SLASH_COMMAND = '/crashloop';

/** Registers the slash command and every button; returns the action_ids it registered. */
export function registerSlackHandlers(app: ListenerRegistry, deps: SlackHandlerDeps): ActionId[] {
  const common = deps.log === undefined ? {} : { log: deps.log };
  const nowDep = deps.now === undefined ? {} : { now: deps.now };
  const auth = { ...(deps.policy === undefined ? {} : { policy: deps.policy }), ...(deps.principal === undefined ? {} : { principal: deps.principal }) };
  app.command(SLASH_COMMAND, createCrashloopCommandHandler({ router: deps.router, ...auth, ...nowDep, ...common }));
  const registered: ActionId[] = [];
  for (const actionId of Object.values(ACTION_IDS)) {
    const listener =
      actionId === ACTION_IDS.diagnose
        ? createDiagnoseActionHandler({ router: deps.router, states: deps.states, ...auth, ...nowDep, ...common })
        : createReportActionHandler(actionId, { executor: deps.executor, poster: deps.poster, ...common });
    app.action({ type: 'block_actions', action_id: actionId }, listener);
    registered.push(actionId);
  }
  return registered;
}
