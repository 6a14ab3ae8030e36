// Black-box, end to end: the real Alertmanager delivers a KubePodCrashLooping alert to the real
// `node bin/crashloop.js serve` process, whose worker diagnoses the pod on the kwok cluster and posts
// the report in the incident thread the alert opened; the resolved alert then edits the parent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScenario, clusterEnv, deleteNamespace, newNamespace, scenario, waitForScenario } from '../cluster/harness.ts';
import { startFakeSlack, type FakeSlack, type RecordedCall } from '../support/fake-slack.ts';
import { reportMessages, startServe, type ServeProcess } from '../support/serve-process.ts';
import { freePort, startRedis, type TestRedis } from '../support/redis.ts';
import { startAlertmanager, type RealAlertmanager } from '../alertmanager/real-alertmanager.ts';

const TOKEN = 's3cr3t-test-alertmanager-e2e-token';
const s = scenario('missing-module');

let namespace: string;
let redis: TestRedis;
let slack: FakeSlack;
let am: RealAlertmanager;
let bot: ServeProcess;

beforeAll(async () => {
  namespace = await newNamespace('am-serve');
  await applyScenario(s.name, namespace);
  await waitForScenario(namespace, s);
  redis = await startRedis();
  slack = await startFakeSlack();
  const port = await freePort();
  const env = clusterEnv({
    SLACK_API_URL: slack.apiUrl,
    SLACK_SIGNING_SECRET: 's3cr3t-test-e2e',
    SLACK_BOT_TOKEN: 'xoxb-test-e2e',
    REDIS_URL: redis.url,
    PORT: String(port),
    ALERTMANAGER_TOKEN: TOKEN,
    ALERT_CHANNEL: 'C0ALERTS',
  });
  delete env.SLACK_APP_TOKEN;
  bot = await startServe(env, slack);
  am = await startAlertmanager({ webhookUrl: `http://127.0.0.1:${port}/alertmanager`, token: TOKEN });
});

afterAll(async () => {
  await am?.stop();
  await bot?.kill();
  await slack?.close();
  await redis?.stop();
  if (namespace !== undefined) await deleteNamespace(namespace);
});

const reports = (): RecordedCall[] => reportMessages(slack);

function alert(endsAt?: string) {
  return {
    labels: { alertname: 'KubePodCrashLooping', namespace, pod: s.pod, container: s.container, job: 'kube-state-metrics', severity: 'warning' },
    annotations: { description: `Pod ${namespace}/${s.pod} (${s.container}) is in waiting state (reason: "CrashLoopBackOff").` },
    startsAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    ...(endsAt === undefined ? {} : { endsAt }),
  };
}

describe('Alertmanager -> crashloop serve -> kwok', () => {
  it('opens the incident thread and posts the diagnosis in it', async () => {
    await am.postAlerts([alert()]);
    const [report] = await slack.waitFor(() => (reports().length > 0 ? reports() : undefined), 60_000);
    const parents = slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === undefined && String(c.args.text).includes(`\`Pod/${s.pod}\``));
    expect(parents).toHaveLength(1);
    const parentTs = parents[0]?.result?.ts;
    expect(typeof parentTs).toBe('string');
    expect(parents[0]?.args.channel).toBe('C0ALERTS');
    expect(report?.args.channel).toBe('C0ALERTS');
    expect(report?.args.thread_ts).toBe(parentTs);
    expect((report?.args.metadata as { event_payload: Record<string, string> }).event_payload).toMatchObject({ cause: s.expectedCause, namespace, pod: s.pod });
  });

  it('edits the parent when Alertmanager sends the resolution, and diagnosed only once', async () => {
    await am.postAlerts([alert(new Date().toISOString())]);
    const update = await slack.waitFor(() => slack.callsOf('chat.update').find((c) => String(c.args.text).includes('resolved after')), 60_000);
    const parent = slack.callsOf('chat.postMessage').find((c) => c.args.thread_ts === undefined && String(c.args.text).includes(`\`Pod/${s.pod}\``));
    expect(update.args.ts).toBe(parent?.result?.ts);
    expect(String(update.args.text)).toMatch(/resolved after 5 min/);
    expect(reports()).toHaveLength(1);
  });
});
