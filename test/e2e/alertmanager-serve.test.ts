// Black-box, end to end: the real Alertmanager delivers a KubePodCrashLooping alert to the real
// `node bin/crashloop.js serve` process, whose worker diagnoses the pod on the kwok cluster and posts
// the report in the incident thread the alert opened; the resolved alert then edits the parent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScenario, clusterEnv, deleteNamespace, newNamespace, scenario, waitForScenario } from '../cluster/harness.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { startServe, type ServeProcess } from '../support/serve-process.ts';
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


function alert(endsAt?: string) {
  return {
    labels: { alertname: 'KubePodCrashLooping', namespace, pod: s.pod, container: s.container, job: 'kube-state-metrics', severity: 'warning' },
    annotations: { description: `Pod ${namespace}/${s.pod} (${s.container}) is in waiting state (reason: "CrashLoopBackOff").` },
    startsAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    ...(endsAt === undefined ? {} : { endsAt }),
  };
}

/** The channel's top-level messages about the scenario's pod, as a reader sees them now. */
const parents = () => slack.channelView('C0ALERTS').filter((m) => m.text.includes(`Pod/${s.pod}`));

describe('Alertmanager -> crashloop serve -> kwok', () => {
  it('opens the incident parent and edits it into the diagnosis', async () => {
    await am.postAlerts([alert()]);
    const parent = await slack.waitFor(() => {
      const [p, ...more] = parents();
      return p !== undefined && more.length === 0 && p.text.includes(s.expectedCause) ? p : undefined;
    }, 60_000);
    expect(JSON.stringify(parent.blocks)).toContain(`\`${s.expectedCause}\``);
    expect(parent.text.length).toBeLessThanOrEqual(200);
  });

  it('edits the parent when Alertmanager sends the resolution', async () => {
    await am.postAlerts([alert(new Date().toISOString())]);
    const parent = await slack.waitFor(() => parents().find((m) => m.text.includes('resolved after')), 60_000);
    expect(parent.text).toMatch(/resolved after 5 min/);
    expect(parent.text).toContain(s.expectedCause);
    expect(JSON.stringify(parent.blocks)).not.toContain('"actions"');
    expect(parents()).toHaveLength(1);
  });
});
