// Builds the Slack app from its dependencies: Bolt over HTTP (POST /slack/events, signatures checked)
// with /healthz, /readyz and any extra route on the same port, or Socket Mode plus a small HTTP server
// for those routes when an app token is set.
import { App, AuthorizationError, HTTPModuleFunctions, HTTPReceiver, LogLevel, SocketModeReceiver, type BlockAction, type ButtonAction, type Logger, type ViewSubmitAction } from '@slack/bolt';
import { currentLogContext, requestId, withLogContext } from './log/context.ts';
import type { ActionExecutor, ActionId } from './actions/types.ts';
import type { ActionStateStore } from './slack/action-state.ts';
import type { SlackPoster } from './slack/post.ts';
import type { JobRouter } from './queue/queues.ts';
import { closeServer, createRouteServer, healthRoutes, listen, type ReadinessCheck, type Route } from './server/routes.ts';
import { createSlackIntakeServer, failRequest } from './server/slack-intake.ts';
import { recordUnexpectedError } from './server/unexpected-errors.ts';
import { registerSlackHandlers, SLASH_COMMAND, type ListenerRegistry } from '../handlers/index.ts';
import type { Policy } from './auth/policy.ts';
import type { PrincipalLookup } from './auth/principal.ts';
import type { FeedbackService } from './feedback/service.ts';
import type { AckLookups } from './slack/report-location.ts';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackAppDeps {
  slack: { botToken: string; signingSecret: string | undefined; appToken: string | undefined; apiUrl: string };
  router: Pick<JobRouter, 'enqueue' | 'clusters'>;
  states: Pick<ActionStateStore, 'load'>;
  poster: Pick<SlackPoster, 'postThreadReply' | 'postEphemeral'>;
  executor: ActionExecutor;
  policy?: Policy;
  principal?: PrincipalLookup;
  /** The "Wrong diagnosis?" loop (docs/feedback.md). */
  feedback?: FeedbackService;
  /** Extra routes on the same port, e.g. POST /alertmanager. */
  routes?: Route[];
  readiness?: ReadinessCheck[];
  /** Extra /readyz fields that are status, never detail (e.g. each cluster's worker presence). */
  readyDetails?: () => Promise<Record<string, unknown>>;
  /** What the acks say besides "queued" (worker presence, the open incident). */
  ack?: AckLookups;
  now?: () => Date;
  log?: (message: string, error?: unknown) => void;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Bolt's own lines (receiver errors, socket reconnects) go here; default Bolt's console logger. */
  logger?: Logger;
}

export interface RunningSlackApp {
  port: number;
  registeredActions: ActionId[];
  stop(): Promise<void>;
}

function boltLogLevel(level: SlackAppDeps['logLevel']) {
  switch (level) {
    case 'debug':
      return LogLevel.DEBUG;
    case 'info':
      return LogLevel.INFO;
    case 'error':
      return LogLevel.ERROR;
    default:
      return LogLevel.WARN;
  }
}

/** Starts the Slack app on `port` (0 = a free port) and returns the port it listens on. */
export async function startSlackApp(deps: SlackAppDeps, port: number): Promise<RunningSlackApp> {
  const routes = [...healthRoutes(deps.readiness ?? [], 3000, deps.log, deps.readyDetails), ...(deps.routes ?? [])];
  // Bounded retries: Bolt's auth.test at start must fail in seconds, not hold the process for half an hour.
  const clientOptions = { slackApiUrl: deps.slack.apiUrl, retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5000 } };
  const logLevel = boltLogLevel(deps.logLevel);
  const logging = deps.logger === undefined ? { logLevel } : { logLevel, logger: deps.logger };
  const handlerDeps = {
    router: deps.router,
    states: deps.states,
    poster: deps.poster,
    executor: deps.executor,
    ...(deps.policy === undefined ? {} : { policy: deps.policy }),
    ...(deps.principal === undefined ? {} : { principal: deps.principal }),
    ...(deps.feedback === undefined ? {} : { feedback: deps.feedback }),
    ...(deps.ack === undefined ? {} : { ack: deps.ack }),
    ...(deps.now === undefined ? {} : { now: deps.now }),
    ...(deps.log === undefined ? {} : { log: deps.log }),
  };

  if (deps.slack.appToken !== undefined) {
    // The receiver's own client opens the connection (apps.connections.open): give it SLACK_API_URL too.
    const receiver = new SocketModeReceiver({ appToken: deps.slack.appToken, ...logging, installerOptions: { clientOptions } });
    const app = new App({ token: deps.slack.botToken, receiver, clientOptions, ...logging, deferInitialization: true });
    await initApp(app);
    tagRequests(app);
    const registeredActions = registerSlackHandlers(registryOf(app), handlerDeps);
    app.error(async (error) => listenerFailed(error, deps.log));
    await app.start();
    const server = createRouteServer(routes, deps.log);
    const bound = await listen(server, port);
    return {
      port: bound,
      registeredActions,
      stop: async () => {
        await closeServer(server);
        await app.stop();
      },
    };
  }

  if (deps.slack.signingSecret === undefined) throw new Error('SLACK_SIGNING_SECRET is required over HTTP (or set SLACK_APP_TOKEN for Socket Mode).');
  const signingSecret = deps.slack.signingSecret;
  // Bolt's receiver is never started: our server (src/server/slack-intake.ts) checks every request first.
  const receiver = new HTTPReceiver({
    signingSecret,
    endpoints: SLACK_EVENTS_PATH,
    processBeforeResponse: false,
    ...logging,
    dispatchErrorHandler: ({ error, request, response }) => failRequest(request, response, error, deps.log),
    processEventErrorHandler: async (args) => {
      // Bolt's answer to a failed authorization (401) stays; anything else is ours to log and count.
      if (args.error instanceof AuthorizationError) return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
      failRequest(args.request, args.response, args.error, deps.log);
      return false;
    },
  });
  const app = new App({ token: deps.slack.botToken, receiver, clientOptions, ...logging, deferInitialization: true });
  await initApp(app);
  tagRequests(app);
  const registeredActions = registerSlackHandlers(registryOf(app), handlerDeps);
  app.error(async (error) => listenerFailed(error, deps.log));
  const server = createSlackIntakeServer({
    signingSecret,
    path: SLACK_EVENTS_PATH,
    boltListener: receiver.requestListener,
    routes,
    commands: [SLASH_COMMAND],
    ...(deps.now === undefined ? {} : { now: deps.now }),
    ...(deps.log === undefined ? {} : { log: deps.log }),
  });
  const bound = await listen(server, port);
  return {
    port: bound,
    registeredActions,
    stop: () => closeServer(server),
  };
}

/** A listener threw (Bolt caught it): logged with the request id and counted; Bolt has acked or answers. */
function listenerFailed(error: unknown, log: SlackAppDeps['log']): void {
  const id = currentLogContext().reqId ?? 'unknown';
  recordUnexpectedError('request', id, error);
  log?.(`request ${id}: a Slack listener failed`, error);
}

/** Verifies the bot token (auth.test) before serving, with a message that says what to fix. */
async function initApp(app: App): Promise<void> {
  try {
    await app.init();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`Slack did not accept the bot token or could not be reached (${detail}). Check SLACK_BOT_TOKEN and SLACK_API_URL.`, { cause: error });
  }
}

/** Every Slack request gets a request id on the log lines written while it is handled (src/log). */
function tagRequests(app: App): void {
  // Over HTTP the intake (src/server/slack-intake.ts) already named the request; keep its id.
  app.use(async ({ next }) => withLogContext({ reqId: currentLogContext().reqId ?? requestId(undefined) }, next));
}

/** Bolt's overloaded App methods, narrowed to what the listeners register. */
function registryOf(app: App): ListenerRegistry {
  return {
    command: (name, listener) => app.command(name, listener),
    action: (constraints, listener) => app.action<BlockAction<ButtonAction>>(constraints, listener),
    view: (callbackId, listener) => app.view<ViewSubmitAction>(callbackId, listener),
  };
}

// listen and closeServer live in src/server/routes.ts (the worker role uses them without loading Bolt).
export { closeServer, listen } from './server/routes.ts';
