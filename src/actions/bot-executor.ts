// Builds the real ActionExecutor from the bot's composition context (src/main.ts's BotContext):
// policy file, one writer per cluster (same kubeconfig rules as the read gateways), the Slack client,
// settings from the environment and the debug-copy cleanup queue.
import type { WebClient } from '@slack/web-api';
import { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { ClusterWriter } from '../cluster/actions/cluster-writer.ts';
import type { KubeGatewayOptions } from '../cluster/kube-gateway.ts';
import type { Policy } from '../auth/policy.ts';
import { loadPolicy } from '../auth/load-policy.ts';
import type { ActionStateStore } from '../slack/action-state.ts';
import { jsonLogger, type Logger } from './audit.ts';
import { createDebugCleanup, type DebugCleanup } from './debug/cleanup-queue.ts';
import { createActionExecutor, settingsFromEnv, type ActionExecutorHandle, type ExecutorDeps } from './executor.ts';
import { slackFromWebClient } from './slack-port.ts';
import { createIncidentStore } from '../incidents/store.ts';

/** The parts of BotContext this needs (structural, so src/actions does not import the composition root). */
export interface BotActionContext {
  config: Pick<Config, 'redisPrefix' | 'policyFile' | 'clusters' | 'clusterName' | 'redisUrl'>;
  redis: Redis;
  /** BullMQ's connection, shared with the bot's queues; one is opened (and closed here) when absent. */
  queueConnection?: Redis;
  states: Pick<ActionStateStore, 'load' | 'save' | 'ttl'>;
  webClient: WebClient;
  /** The bot's policy (the same object the slash command and the worker decide with). */
  policy?: Policy;
  /** The Slack outbox: the incident's parent is edited through it after an action. */
  outbox?: ExecutorDeps['parents'];
}

export interface BotActionOptions {
  env?: Record<string, string | undefined>;
  /** Kubeconfig options for every cluster's writer (tests pass the e2e kubeconfig). */
  kube?: Omit<KubeGatewayOptions, 'clusterName' | 'context'>;
  /** Overrides a writer per cluster. */
  writerFor?: (cluster: string) => ClusterWriter | undefined | Promise<ClusterWriter | undefined>;
  logger?: Logger;
  /** Extra executor options (clock, settings). */
  overrides?: Partial<ExecutorDeps>;
  /** Run the cleanup worker in this process (default true). */
  cleanupWorker?: boolean;
}

export { loadPolicy };

export function createBotActionExecutor(ctx: BotActionContext, options: BotActionOptions = {}): ActionExecutorHandle & { cleanup: DebugCleanup; close(): Promise<void> } {
  const env = options.env ?? process.env;
  const logger = options.logger ?? jsonLogger;
  const prefix = ctx.config.redisPrefix;
  const several = ctx.config.clusters.length > 1;
  const writers = new Map<string, Promise<ClusterWriter | undefined>>();
  const known = new Set([...ctx.config.clusters, ...(ctx.config.clusterName === undefined ? [] : [ctx.config.clusterName])]);
  // The Kubernetes client is loaded on the first click that needs a writer, not when the web role starts
  // (it is the largest part of an idle process's memory, docs/benchmarks.md).
  const writerFor =
    options.writerFor ??
    ((cluster: string): Promise<ClusterWriter | undefined> => {
      let writer = writers.get(cluster);
      if (writer === undefined) {
        writer = (async () => {
          if (known.size !== 0 && !known.has(cluster)) return undefined;
          try {
            const { KubeClusterWriter } = await import('../cluster/actions/cluster-writer.ts');
            // Several clusters: the kube context is named like the cluster, as for the read gateways.
            return KubeClusterWriter.fromKubeConfig({ ...options.kube, clusterName: cluster, ...(several ? { context: cluster } : {}) });
          } catch (err) {
            logger.warn({ msg: 'no writer for cluster', cluster, error: String(err) });
            return undefined;
          }
        })();
        writers.set(cluster, writer);
      }
      return writer;
    });
  // BullMQ needs a connection with maxRetriesPerRequest null (blocking commands): the bot's, or our own.
  const ownConnection = ctx.queueConnection === undefined;
  const bullRedis = ctx.queueConnection ?? new Redis(ctx.config.redisUrl, { maxRetriesPerRequest: null });
  if (ownConnection) bullRedis.on('error', () => undefined);
  const cleanup = createDebugCleanup({
    connection: bullRedis,
    prefix,
    ...(options.cleanupWorker === false ? {} : { writerFor }),
    logger,
  });
  const executor = createActionExecutor({
    redis: ctx.redis,
    prefix,
    states: ctx.states,
    writerFor,
    slack: slackFromWebClient(ctx.webClient, logger),
    policy: ctx.policy ?? loadPolicy(ctx.config.policyFile, env),
    logger,
    scheduleDebugCleanup: (job, delayMs) => cleanup.schedule(job, delayMs),
    incidents: createIncidentStore(ctx.redis, { prefix }),
    ...(ctx.outbox === undefined ? {} : { parents: ctx.outbox }),
    ...options.overrides,
    settings: { ...settingsFromEnv(env), ...options.overrides?.settings },
  });
  return {
    ...executor,
    cleanup,
    async close() {
      await executor.drain();
      await cleanup.close();
      if (ownConnection) bullRedis.disconnect();
    },
  };
}
