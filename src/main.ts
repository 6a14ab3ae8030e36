// The composition root: builds every dependency from the configuration and starts the roles this
// process plays. `all` runs the web side (Slack + HTTP routes) and one worker per cluster; `web` only
// routes jobs to the clusters' queues; `worker` consumes one cluster's queue with its own credentials.
import type { Redis } from 'ioredis';
import type { WebClient } from '@slack/web-api';
import type { Server } from 'node:http';
import type { Worker } from 'bullmq';
import type { Config } from './config.ts';
import type { ActionExecutor, ActionId } from './actions/types.ts';
import type { ClusterGateway } from './cluster/types.ts';
import { ActionStateStore } from './slack/action-state.ts';
import { RedisPacer } from './slack/pacer.ts';
import { SlackPoster } from './slack/post.ts';
import { NotAvailableExecutor } from './slack/not-available-executor.ts';
import { createDiagnosisQueue, createJobRouter, type JobRouter } from './queue/queues.ts';
import { diagnosisQueueName } from './queue/types.ts';
import type { DiagnosisDeps } from './queue/diagnosis-processor.ts';
import { closeWorker, startDiagnosisWorker } from './queue/worker.ts';
import { closeServer, createRouteServer, healthRoutes, listen, type ReadinessCheck, type Route } from './server/routes.ts';
import { alertmanagerRoutes } from '../handlers/alertmanager.ts';
import { NO_METRICS, type Metrics } from './metrics/metrics.ts';
import { instrumentExecutor } from './metrics/instrument-executor.ts';
import { instrumentProcessor } from './queue/instrument.ts';
import { queueDepthOf } from './queue/depth.ts';
import { createWebClient } from './slack/web-client.ts';
import { checkRedisLogin, connectRedis } from './redis/connect.ts';
import { createLogger, logFunction, type Log, type Logger } from './log/logger.ts';
import { loggedRoute } from './log/http.ts';
import { slackLogger } from './log/slack-logger.ts';
import type { Outbox } from './slack/outbox.ts';
import { startOutbox } from './slack/outbox-runner.ts';
import { createWorkerPresence } from './queue/worker-presence.ts';
import { locateReport } from './slack/report-location.ts';
import { createIncidentStore } from './incidents/store.ts';
import { parentKey } from './incidents/parent-message.ts';
import { webClientOutboxSlack } from './slack/outbox-slack.ts';
import { createOutboxStore } from './slack/outbox-store.ts';
import { policyNamesGroups, type Policy } from './auth/policy.ts';
import { loadPolicy } from './auth/load-policy.ts';
import { principalLookup } from './auth/principal.ts';
import { slackFromWebClient } from './actions/slack-port.ts';
import { isSlackResponseUrl } from './queue/job-schema.ts';
import { createBotFeedback, createBotFeedbackStore } from './feedback/bot.ts';
import type { FeedbackLimits } from './feedback/store.ts';
import type { RulePack } from '../diagnostics/packs.ts';
import { loadRulePacks, packSummary } from './rule-packs/load.ts';

// Each role loads only what it runs (idle memory and start-up, docs/benchmarks.md): the worker's
// Kubernetes client, engine and processor, and the web side's Bolt app, are imported when started.
async function loadWorkerParts() {
  const [capture, gateway, resolve, engine, processor, store, storm] = await Promise.all([
    import('./cluster/capture-snapshot.ts'),
    import('./cluster/kube-gateway.ts'),
    import('./cluster/resolve-target.ts'),
    import('../diagnostics/index.ts'),
    import('./queue/diagnosis-processor.ts'),
    import('./incidents/store.ts'),
    import('./incidents/storm.ts'),
  ]);
  return { ...capture, ...gateway, ...resolve, diagnose: engine.diagnose, redactText: engine.redactText, ...processor, ...store, createStormTracker: storm.createStormTracker };
}

export type Role = 'all' | 'web' | 'worker';
export const ROLES: readonly Role[] = ['all', 'web', 'worker'];

export type { Log } from './log/logger.ts';

/** What extension points (Alertmanager route, actions) get to build on. */
export interface BotContext {
  config: Config;
  redis: Redis;
  /** The blocking connection BullMQ queues and workers share (maxRetriesPerRequest null); the bot closes it. */
  queueConnection: Redis;
  /** Present in the web and all roles. */
  router: JobRouter | undefined;
  poster: SlackPoster;
  /** Every channel message (post or edit) goes through it; writers only touch Redis. */
  outbox: Outbox;
  states: ActionStateStore;
  webClient: WebClient;
  log: Log;
  /** Where counts go (GET /metrics when METRICS_PORT is set, else nowhere). */
  metrics: Metrics;
  /** The authorization policy every path decides with. */
  policy: Policy;
}

export interface BotOptions {
  config: Config;
  role?: Role;
  /** The worker's cluster (`--cluster`); default CLUSTER_NAME, then the kube context, then "in-cluster". */
  cluster?: string;
  /** Builds the gateway of a cluster; default: the kubeconfig (context = cluster name when several). */
  createGateway?: (cluster: string | undefined) => ClusterGateway;
  /** Overrides of the processor's dependencies (engine, capture, incident hooks). */
  diagnosis?: Partial<Omit<DiagnosisDeps, 'gateway' | 'poster' | 'states' | 'outbox'>>;
  /**
   * The button executor; default answers "not available yet". The bot owns it: a `close()` it has runs
   * when the bot closes, after the Slack app stops taking clicks and before the queues and Redis close.
   */
  executor?: (ctx: BotContext) => OwnedExecutor | Promise<OwnedExecutor>;
  /** Extra HTTP routes on the Slack port, e.g. POST /alertmanager. */
  routes?: (ctx: BotContext) => Route[];
  /** The older `(message, error?)` sink. Given without `logger`, the JSON logger is silent (tests). */
  log?: Log;
  /** The JSON logger (pino); default one on stderr at config.logLevel. */
  logger?: Logger;
  /**
   * Where counts go. Default: Prometheus on config.metrics.port (prom-client is loaded only then),
   * NO_METRICS when the port is 0.
   */
  metrics?: Metrics;
  /** Operator rule packs the workers' engine runs; default: loaded from CRASHLOOP_RULES_DIR (none when unset). */
  packs?: readonly RulePack[];
  /** The policy; default CRASHLOOP_POLICY_FILE, else ACTIONS_POLICY, else read for everyone. */
  policy?: Policy;
  /** The "Wrong diagnosis?" loop's bounds (docs/feedback.md), or false to leave the control off. */
  feedback?: Partial<FeedbackLimits> | false;
  /** Milliseconds between two Slack calls in one channel (the outbox's pace); default 1000 (Slack's). Tests. */
  slackPaceMs?: number;
}

/** An executor with background work (rollout follows, cleanup worker) to finish on shutdown. */
export type OwnedExecutor = ActionExecutor & { close?(): Promise<void> };

export interface RunningBot {
  role: Role;
  port: number;
  clusters: string[];
  registeredActions: ActionId[];
  /** Port of GET /metrics; undefined when it is off. */
  metricsPort: number | undefined;
  /** Stops everything this bot started, in order: Slack app and routes, executor, queues and workers, Redis. Idempotent. */
  close(): Promise<void>;
}

/** ACTIONS_DEBUG_COMMAND as the executor reads it (src/actions/executor.ts settingsFromEnv). */
function debugCommandFromEnv(env: Record<string, string | undefined> = process.env): string | undefined {
  const words = (env.ACTIONS_DEBUG_COMMAND ?? '').trim().split(/\s+/).filter((w) => w !== '');
  return words.length === 0 ? undefined : words.join(' ');
}

/** The feedback store's bounds from the configuration, with the options' over them; false = off. */
function feedbackLimits(config: Config, option: BotOptions['feedback']): Partial<FeedbackLimits> | false {
  if (option === false || (option === undefined && !config.feedback.enabled)) return false;
  const fromConfig: Partial<FeedbackLimits> = {
    ...(config.feedback.maxItems === undefined ? {} : { maxItems: config.feedback.maxItems }),
    ...(config.feedback.itemTtlDays === undefined ? {} : { itemTtlSeconds: config.feedback.itemTtlDays * 24 * 60 * 60 }),
  };
  return { ...fromConfig, ...option };
}

export async function startBot(options: BotOptions): Promise<RunningBot> {
  const { config } = options;
  const role = options.role ?? 'all';
  const logger = options.logger ?? createLogger({ level: options.log === undefined ? config.logLevel : 'silent' });
  const log = options.log ?? logFunction(logger);
  const prefix = config.redisPrefix;
  // Closed last-started first: the Slack app stops taking clicks, the executor drains, then the queues,
  // workers and Redis connections they use. Before any of that, the workers drain (see close()).
  const closers: (() => Promise<unknown>)[] = [];
  const workers: Worker[] = [];
  let draining = false;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      // Stop intake: /readyz says "shutting down" (the Service stops routing here) and the workers take
      // no new job; running jobs get shutdownTimeoutMs to finish, then are cancelled and handed back.
      draining = true;
      await Promise.all(
        workers.map(async (worker) => {
          const how = await closeWorker(worker, config.shutdownTimeoutMs);
          if (how !== 'finished') log(`shutdown: worker ${worker.name} ${how === 'cancelled' ? 'cancelled its running jobs; they are retried' : 'was stopped with jobs running; they return to the queue when their lock expires'}`);
        }),
      ).catch((error: unknown) => log('shutdown: stopping the workers failed', error));
      for (const closer of closers.reverse()) await closer().catch((error: unknown) => log('shutdown step failed', error));
    })());

  try {
    // Loaded first: an invalid policy stops the start with every problem listed.
    const policy = options.policy ?? loadPolicy(config.policyFile);
    // Rule packs too: an invalid pack stops the start with every problem listed (file:line: path: what is wrong).
    const packs = options.packs ?? (config.rulesDir === undefined ? [] : loadRulePacks(config.rulesDir));
    if (config.rulesDir !== undefined) log(`rule packs from ${config.rulesDir}: ${packSummary(packs)}`);
    let metrics = options.metrics;
    let metricsPort: number | undefined;
    if (metrics === undefined && config.metrics.port !== 0) {
      // prom-client is loaded here only, never on the CLI's path.
      const { createPrometheusMetrics, startMetricsServer } = await import('./metrics/prometheus.ts');
      const prometheus = createPrometheusMetrics();
      metrics = prometheus;
      try {
        const server = await startMetricsServer(prometheus, config.metrics.port, config.metrics.host);
        metricsPort = server.port;
        closers.push(() => server.close());
      } catch (error) {
        // Metrics are not worth refusing to diagnose for; the missing scrape target tells Prometheus.
        log(`GET /metrics is off: could not listen on ${config.metrics.host ?? ''}:${config.metrics.port}; set METRICS_PORT to a free port`, error);
      }
    }
    const counts = metrics ?? NO_METRICS;
    // The "Wrong diagnosis?" loop: the options win over CRASHLOOP_FEEDBACK*, false turns it off.
    const feedback = feedbackLimits(config, options.feedback);

    // Commands fail fast when Redis is down; BullMQ's connection waits (it needs maxRetriesPerRequest null).
    const redis = connectRedis(config.redis, 'commands');
    closers.push(() => redis.quit());
    // Wrong credentials stop the start with a clear message; an unreachable Redis does not (see /readyz).
    await checkRedisLogin(redis, config.redis);
    const bullRedis = connectRedis(config.redis, 'queue');
    closers.push(() => bullRedis.quit());

    const webClient = createWebClient(
      config.slack.botToken,
      { slackApiUrl: config.slack.apiUrl, retryConfig: { retries: 5, factor: 2, minTimeout: 500, maxTimeout: 10_000 }, logger: slackLogger(logger, 'slack-web-api') },
      counts,
    );
    const poster = new SlackPoster({ client: webClient, redis, pacer: new RedisPacer(redis, { prefix }), prefix });
    const states = new ActionStateStore(redis, { prefix });
    // The outbox's own client: a 429 returns at once and the outbox holds the channel for Retry-After.
    const outboxClient = createWebClient(
      config.slack.botToken,
      { slackApiUrl: config.slack.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5000 } },
      counts,
    );
    const slackOutbox = await startOutbox({
      connection: bullRedis,
      redis,
      store: createOutboxStore(redis, { prefix }),
      slack: webClientOutboxSlack(outboxClient),
      pacer: new RedisPacer(redis, { prefix, ...(options.slackPaceMs === undefined ? {} : { intervalMs: options.slackPaceMs }) }),
      prefix,
      log,
      // The outbox's consumers drain with the diagnosis workers on shutdown (same time budget).
      onWorker: (worker) => workers.push(worker),
    });
    // Drained with the workers already (bounded by SHUTDOWN_TIMEOUT_SECONDS): no waiting here.
    closers.push(() => slackOutbox.close(true));
    const outbox = slackOutbox.outbox;
    const slackGroups = slackFromWebClient(webClient);
    // A policy without user groups decides on the user id alone: no usergroups.list before an ack.
    const principal = principalLookup(policyNamesGroups(policy) ? (userId) => slackGroups.userGroups(userId) : undefined);
    const readiness: ReadinessCheck[] = [
      {
        name: 'shutdown',
        check: async () => {
          if (draining) throw new Error('shutting down');
        },
      },
      { name: 'redis', check: async () => void (await redis.ping()) },
    ];

    // Workers: one per cluster this process holds credentials for.
    const gatewayClusters: string[] = [];
    if (role !== 'web') {
      const { captureSnapshot, createKubeGateway, listCrashingPods, resolveTarget, diagnose, redactText, createDiagnosisProcessor, createIncidentStore, createStormTracker } = await loadWorkerParts();
      const incidents = createIncidentStore(redis, { prefix });
      const storms = createStormTracker(redis, { prefix });
      const createGateway = options.createGateway ?? ((name: string | undefined) => createKubeGateway(name === undefined ? {} : { clusterName: name, ...(config.clusters.length > 1 ? { context: name } : {}) }));
      const names: (string | undefined)[] = role === 'worker' ? [options.cluster ?? config.clusterName] : config.clusters.length > 0 ? config.clusters : [config.clusterName];
      for (const name of names) {
        const gateway = createGateway(name);
        gatewayClusters.push(gateway.cluster);
        readiness.push({ name: `cluster ${gateway.cluster}`, check: (signal) => gateway.ping(signal) });
        const processor = createDiagnosisProcessor({
          gateway,
          resolveTarget,
          captureSnapshot,
          diagnose: packs.length === 0 ? (snapshot) => diagnose(snapshot) : (snapshot) => diagnose(snapshot, undefined, { packs }),
          listCrashingPods,
          redact: redactText,
          poster,
          outbox,
          states,
          incidents,
          storms,
          policy,
          principal,
          ...(config.allowedNamespaces === undefined ? {} : { allowedNamespaces: config.allowedNamespaces }),
          responseUrlAllowed: (url) => isSlackResponseUrl(url, config.slack.apiUrl),
          log,
          ...(feedback === false ? {} : { feedback: createBotFeedbackStore(redis, prefix, feedback) }),
          // The command the executor's sleep override sets (ACTIONS_DEBUG_COMMAND), for its confirm dialog.
          ...(debugCommandFromEnv() === undefined ? {} : { debugCommand: debugCommandFromEnv() }),
          ...options.diagnosis,
        });
        // Each attempt is logged (with its ids) and counted by the instrumentation.
        const worker = startDiagnosisWorker(gateway.cluster, instrumentProcessor(diagnosisQueueName(gateway.cluster), processor, counts, logger), {
          connection: bullRedis,
          prefix,
          ...(config.workerConcurrency === undefined ? {} : { concurrency: config.workerConcurrency }),
        });
        // Closed by close()'s bounded drain, not by a closer: a plain close() would wait for a stuck job.
        workers.push(worker);
      }
    }

    const clusters = [...new Set([...config.clusters, ...gatewayClusters])];
    let router: JobRouter | undefined;
    if (role !== 'worker') {
      if (clusters.length === 0) throw new Error('The web role needs the clusters it routes to: set CLUSTER_NAME or CRASHLOOP_CLUSTERS.');
      // Its own connection, which never waits for Redis: an enqueue is queued or refused within its
      // bound, and a refused one never runs (src/queue/bounded-enqueue.ts).
      const producer = connectRedis(config.redis, 'producer');
      closers.push(async () => producer.disconnect());
      // It refuses commands until it is connected: wait for it (bounded, as for the main connection) so
      // that a command arriving right after start-up on a slow machine is not refused needlessly.
      await checkRedisLogin(producer, config.redis);
      router = createJobRouter(clusters, { connection: producer, prefix });
      const r = router;
      closers.push(() => r.close());
      counts.queueDepth(queueDepthOf(clusters.map((c) => r.queueFor(c))));
    } else {
      const queues = gatewayClusters.map((c) => createDiagnosisQueue(c, { connection: bullRedis, prefix }));
      closers.push(() => Promise.all(queues.map((q) => q.close())));
      counts.queueDepth(queueDepthOf(queues));
    }
    const ctx: BotContext = { config, redis, queueConnection: bullRedis, router, poster, outbox, states, webClient, log, metrics: counts, policy };
    const routes = [...alertmanagerRoutes(ctx), ...(options.routes?.(ctx) ?? [])].map((route) => loggedRoute(route, logger));

    if (router !== undefined) {
      const executor: OwnedExecutor = instrumentExecutor((await options.executor?.(ctx)) ?? new NotAvailableExecutor(states), counts);
      if (executor.close !== undefined) closers.push(() => executor.close?.() ?? Promise.resolve());
      const { startSlackApp } = await import('./app.ts');
      // Which clusters have a live worker (BullMQ's registry), and where a requested report will appear.
      const webRouter = router;
      const presence = createWorkerPresence(webRouter.clusters, (c) => webRouter.queueFor(c));
      const parentsOf = createOutboxStore(redis, { prefix });
      const incidentsOf = createIncidentStore(redis, { prefix });
      const locate = (cluster: string, namespace: string, name: string) =>
        locateReport(
          {
            incidents: incidentsOf,
            parentTs: (key) => parentsOf.ts(parentKey(key)),
            permalink: async (channel, ts) => (await webClient.chat.getPermalink({ channel, message_ts: ts })).permalink,
          },
          cluster,
          namespace,
          name,
        );
      const app = await startSlackApp(
        {
          slack: config.slack,
          router,
          states,
          poster,
          executor,
          routes,
          readiness,
          log,
          logger: slackLogger(logger, 'bolt'),
          policy,
          principal,
          ...(feedback === false ? {} : { feedback: createBotFeedback({ redis, prefix, states, webClient, poster, policy, principal, logger, log, limits: feedback }) }),
          ack: { presence: (c) => presence.of(c), locate, log },
          // Per cluster: 'live', 'none' (the queue waits for a worker) or 'unknown'; names only, no detail.
          readyDetails: async () => ({ workers: await presence.all() }),
        },
        config.port,
      );
      closers.push(() => app.stop());
      return { role, port: app.port, clusters, registeredActions: app.registeredActions, metricsPort, close };
    }

    const server: Server = createRouteServer([...healthRoutes(readiness, 3000, log), ...routes], log);
    const port = await listen(server, config.port);
    closers.push(() => closeServer(server));
    return { role, port, clusters, registeredActions: [], metricsPort, close };
  } catch (error) {
    await close();
    throw error;
  }
}
