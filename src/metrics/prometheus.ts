// The Prometheus implementation of the metrics port, on a registry of its own (several bots in one
// test process must not share series), served by GET /metrics on a port apart from Slack's.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Metrics, QueueDepth } from './metrics.ts';
import { unexpectedErrorCounts } from '../server/unexpected-errors.ts';

export interface PrometheusMetrics extends Metrics {
  readonly registry: Registry;
  /** The exposition text, as GET /metrics serves it. */
  scrape(): Promise<string>;
}

export function createPrometheusMetrics(options: { defaultMetrics?: boolean } = {}): PrometheusMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'crashloop_' });
  const registers = [registry];

  const alertsReceived = new Counter({ name: 'crashloop_alerts_received_total', help: 'Alerts received in accepted Alertmanager webhooks.', registers });
  const alertsIgnored = new Counter({ name: 'crashloop_alerts_ignored_total', help: 'Alerts ignored, by reason.', labelNames: ['reason'], registers });
  const alertsCoalesced = new Counter({ name: 'crashloop_alerts_coalesced_total', help: 'Firing alerts coalesced into an existing diagnosis job of their incident.', registers });
  const jobs = new Counter({ name: 'crashloop_jobs_total', help: 'Diagnosis job attempts, by queue and outcome (completed, failed, retrying).', labelNames: ['queue', 'outcome'], registers });
  const jobDuration = new Histogram({
    name: 'crashloop_job_duration_seconds',
    help: 'Duration of diagnosis job attempts, by queue and outcome.',
    labelNames: ['queue', 'outcome'],
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120],
    registers,
  });
  const diagnoses = new Counter({ name: 'crashloop_diagnoses_total', help: 'Reports posted, by the primary finding\'s cause id.', labelNames: ['cause'], registers });
  const slackCalls = new Counter({ name: 'crashloop_slack_calls_total', help: 'Slack Web API calls, by method.', labelNames: ['method'], registers });
  const slackErrors = new Counter({ name: 'crashloop_slack_errors_total', help: 'Slack Web API calls that failed after the client\'s retries, by method.', labelNames: ['method'], registers });
  const slackRateLimited = new Counter({ name: 'crashloop_slack_rate_limited_total', help: 'HTTP 429 answers from Slack, by method.', labelNames: ['method'], registers });
  const actions = new Counter({ name: 'crashloop_actions_total', help: 'Report button actions, by action and outcome.', labelNames: ['action', 'outcome'], registers });

  new Counter({
    name: 'crashloop_unexpected_errors_total',
    help: 'Errors no handler expected, survived by the process: request (answered 500 or a listener failure), job (an attempt failed with an unclassified error), process (unhandled rejection or uncaught exception).',
    labelNames: ['source'],
    registers,
    // Process-wide totals kept by src/server/unexpected-errors.ts, read on scrape.
    collect() {
      this.reset();
      for (const [source, count] of Object.entries(unexpectedErrorCounts())) this.inc({ source }, count);
    },
  });

  const depthSources: (() => Promise<QueueDepth[]>)[] = [];
  new Gauge({
    name: 'crashloop_queue_jobs',
    help: 'Jobs in each diagnosis queue, by state (waiting, active, delayed); read from Redis on scrape.',
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      this.reset();
      const depths = (await Promise.all(depthSources.map((source) => source().catch(() => [])))).flat();
      for (const d of depths) {
        this.set({ queue: d.queue, state: 'waiting' }, d.waiting);
        this.set({ queue: d.queue, state: 'active' }, d.active);
        this.set({ queue: d.queue, state: 'delayed' }, d.delayed);
      }
    },
  });

  return {
    registry,
    scrape: () => registry.metrics(),
    alertsReceived: (count) => alertsReceived.inc(count),
    alertsIgnored: (reason, count) => alertsIgnored.inc({ reason }, count),
    alertsCoalesced: (count) => alertsCoalesced.inc(count),
    jobFinished: (queue, outcome, seconds) => {
      jobs.inc({ queue, outcome });
      jobDuration.observe({ queue, outcome }, seconds);
    },
    diagnosis: (cause) => diagnoses.inc({ cause }),
    slackCall: (method, ok) => {
      slackCalls.inc({ method });
      if (!ok) slackErrors.inc({ method });
    },
    slackRateLimited: (method) => slackRateLimited.inc({ method }),
    action: (type, outcome) => actions.inc({ action: type, outcome }),
    queueDepth: (source) => void depthSources.push(source),
  };
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** GET /metrics on its own port (0 = a free one), so the public Slack endpoint never exposes it. */
export function startMetricsServer(metrics: PrometheusMetrics, port: number, host: string | undefined): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Only GET /metrics is served here.\n');
      return;
    }
    metrics.scrape().then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
      },
      () => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('Collecting the metrics failed.\n');
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const onListening = (): void => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    };
    if (host === undefined) server.listen(port, onListening);
    else server.listen(port, host, onListening);
  });
}
