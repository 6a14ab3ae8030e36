// Black-box: the real `node bin/crashloop.js serve` process against the kwok cluster, a private Redis
// and the fake Slack Web API. A signed `/crashloop ns/pod` is acknowledged, a threaded report whose
// metadata names the cause is posted, and nothing is posted twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScenario, clusterEnv, deleteNamespace, newNamespace, scenario, waitForScenario } from '../cluster/harness.ts';
import { freePort, startRedis, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack, type RecordedCall } from '../support/fake-slack.ts';
import { reportMessages, startServe, type ServeProcess } from '../support/serve-process.ts';
import { postSigned, slashCommandBody } from '../support/signing.ts';

const SECRET = 's3cr3t-test-e2e';
const s = scenario('missing-module');

let namespace: string;
let redis: TestRedis;
let slack: FakeSlack;
let bot: ServeProcess;
let port: number;

beforeAll(async () => {
  namespace = await newNamespace('slack-serve');
  await applyScenario(s.name, namespace);
  await waitForScenario(namespace, s);
  redis = await startRedis();
  slack = await startFakeSlack();
  port = await freePort();
  const env = clusterEnv({
    SLACK_API_URL: slack.apiUrl,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-e2e',
    REDIS_URL: redis.url,
    PORT: String(port),
    ALERTMANAGER_TOKEN: 'am-token-test-e2e-0123456789',
    ALERT_CHANNEL: 'C0ALERTS',
  });
  delete env.CLUSTER_NAME;
  delete env.SLACK_APP_TOKEN;
  bot = await startServe(env, slack);
});

afterAll(async () => {
  await bot?.kill();
  await slack?.close();
  await redis?.stop();
  if (namespace !== undefined) await deleteNamespace(namespace);
});

const reports = (): RecordedCall[] => reportMessages(slack);

describe('crashloop serve (real process, kwok cluster)', () => {
  it('acks a signed /crashloop ns/pod, posts one threaded report naming the cause, and posts nothing twice', async () => {
    const target = `${namespace}/${s.pod}`;
    const res = await postSigned(`http://127.0.0.1:${port}/slack/events`, SECRET, slashCommandBody({ text: target, responseUrl: slack.responseUrl('e2e'), channelId: 'C0OPS' }));
    expect(res.status).toBe(200);
    const ack = (await res.json()) as { response_type: string; text: string };
    expect(ack.response_type).toBe('ephemeral');
    expect(ack.text).toContain(`Diagnosing ${target}`);

    const [parent] = await slack.waitFor(() => (reports().length > 0 ? reports() : undefined), 60_000);
    const payload = (parent?.args.metadata as { event_payload: Record<string, string> }).event_payload;
    expect(payload).toMatchObject({ cause: s.expectedCause, container: s.container, namespace, pod: s.pod });
    expect(parent?.args.channel).toBe('C0OPS');
    const parentTs = parent?.result?.ts;
    expect(typeof parentTs).toBe('string');

    // The thread is complete when the fix (with kubectl commands) is in.
    const replies = await slack.waitFor(() => {
      const r = slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === parentTs);
      return r.some((c) => String(c.args.text).startsWith('How to fix')) ? r : undefined;
    }, 60_000);
    const thread = JSON.stringify(replies.map((r) => r.args.blocks));
    expect(thread).toContain('*Decisive log line* (logs/web previous');
    expect(thread).toContain(`kubectl logs ${s.pod} -c web --previous -n ${namespace}`);
    expect(String(parent?.args.text)).toContain(`${target} is crash-looping`);

    // Nothing twice: one report, and no message posted twice to the same place.
    const healthy = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(healthy.status).toBe(200);
    expect(reports()).toHaveLength(1);
    const posts = slack.callsOf('chat.postMessage').map((c) => JSON.stringify([c.args.channel, c.args.thread_ts, c.args.text]));
    expect(new Set(posts).size).toBe(posts.length);
  });

  it('stops cleanly on SIGTERM', async () => {
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.output()).toContain('shutting down');
  });
});
