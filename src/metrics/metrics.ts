// The metrics port: what the bot counts, as plain method calls. Code that counts depends on this
// interface only, so neither the CLI nor a unit test pulls prom-client in; `crashloop serve` plugs in
// the Prometheus implementation (./prometheus.ts) and everything else gets NO_METRICS.

/** How a diagnosis job attempt ended: done, failed for good, or failed and handed back for a retry. */
export type JobOutcome = 'completed' | 'failed' | 'retrying';

export interface QueueDepth {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
}

export interface Metrics {
  /** Alerts in an accepted Alertmanager webhook. */
  alertsReceived(count: number): void;
  /** Alerts with nothing to diagnose, by reason (no-namespace, no-target, no-channel, unknown-cluster). */
  alertsIgnored(reason: string, count: number): void;
  /** Firing alerts folded into an existing job for their incident. */
  alertsCoalesced(count: number): void;
  /** One attempt of a diagnosis job, with how long it ran. */
  jobFinished(queue: string, outcome: JobOutcome, seconds: number): void;
  /** A report was posted; `cause` is the primary finding's cause id (`none` without one). */
  diagnosis(cause: string): void;
  /** One Slack Web API call (after the client's own retries), by method; `ok` false when it threw. */
  slackCall(method: string, ok: boolean): void;
  /** Slack answered 429 to a call of `method` (the client waits and retries). */
  slackRateLimited(method: string): void;
  /** A report button's action, by action id and outcome status (done, denied, duplicate, expired, failed, error). */
  action(type: string, outcome: string): void;
  /** Registers where queue depth comes from; read on every scrape, never polled. */
  queueDepth(source: () => Promise<QueueDepth[]>): void;
}

const nothing = (): void => undefined;

/** Counts nothing: the CLI, tests, and `METRICS_PORT=0`. */
export const NO_METRICS: Metrics = {
  alertsReceived: nothing,
  alertsIgnored: nothing,
  alertsCoalesced: nothing,
  jobFinished: nothing,
  diagnosis: nothing,
  slackCall: nothing,
  slackRateLimited: nothing,
  action: nothing,
  queueDepth: nothing,
};
