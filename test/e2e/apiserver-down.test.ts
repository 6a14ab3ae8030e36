// The kube-apiserver out of reach while a diagnosis runs (the real `crashloop serve` process, the kwok
// cluster, a private Redis, the local Slack API): the job is retried, the user is told the cluster is not
// reachable and that the bot keeps trying, and the report is posted once the apiserver answers again.
// The bot reaches the apiserver through a TCP proxy that the test closes and reopens (connections refused
// and cut, as for a stopped apiserver); stopping the shared cluster's real apiserver would make its
// controller-manager and scheduler exit on lost leader election and break the tests after this one.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScenario, cluster, clusterEnv, deleteNamespace, newNamespace, scenario, waitForScenario } from '../cluster/harness.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { reportMessages, startServe, type ServeProcess } from '../support/serve-process.ts';
import { postSigned, slashCommandBody } from '../support/signing.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

const SECRET = 's3cr3t-test-e2e-apiserver-down';
const s = scenario('missing-module');

let namespace: string;
let redis: TestRedis;
let slack: FakeSlack;
let bot: ServeProcess;
let proxy: TcpProxy;
let dir: string;

beforeAll(async () => {
  namespace = await newNamespace('apiserver-down');
  await applyScenario(s.name, namespace);
  await waitForScenario(namespace, s);
  const kubeconfig = await readFile(cluster().kubeconfig, 'utf8');
  const server = /server:\s*https:\/\/127\.0\.0\.1:(\d+)/.exec(kubeconfig);
  if (server === null) throw new Error('the cluster kubeconfig names no https://127.0.0.1:<port> server');
  proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(server[1]) });
  dir = await mkdtemp(join(tmpdir(), 'crashloop-apiserver-down-'));
  const proxied = join(dir, 'kubeconfig');
  await writeFile(proxied, kubeconfig.replace(server[0], `server: https://127.0.0.1:${proxy.port}`));
  redis = await startRedis();
  slack = await startFakeSlack();
  const env = clusterEnv({ KUBECONFIG: proxied, SLACK_API_URL: slack.apiUrl, SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-e2e', REDIS_URL: redis.url, PORT: '0' });
  delete env.CLUSTER_NAME;
  delete env.SLACK_APP_TOKEN;
  bot = await startServe(env, slack);
});

afterAll(async () => {
  await bot?.kill();
  await proxy?.close();
  await slack?.close();
  await redis?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  if (namespace !== undefined) await deleteNamespace(namespace);
});

describe('apiserver out of reach during a diagnosis', () => {
  it('retries, tells the user it keeps trying, and posts the report once the apiserver is back', async () => {
    const port = /listening on port (\d+)/.exec(bot.output())?.[1] ?? '';
    await proxy.down();
    const target = `${namespace}/${s.pod}`;
    const res = await postSigned(`http://127.0.0.1:${port}/slack/events`, SECRET, slashCommandBody({ text: target, responseUrl: slack.responseUrl('apiserver-down'), channelId: 'C0DOWN' }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { text: string }).text).toContain(`Diagnosing ${target}`);

    const told = await slack.waitFor(() => slack.responses.find((r) => r.id === 'apiserver-down' && String(r.body.text).includes('not reachable right now')), 90_000);
    expect(String(told.body.text)).toContain('I will keep trying');
    expect(reportMessages(slack)).toHaveLength(0);

    await proxy.up();
    const [report] = await slack.waitFor(() => (reportMessages(slack).length > 0 ? reportMessages(slack) : undefined), 120_000);
    expect((report?.args.metadata as { event_payload: Record<string, string> }).event_payload).toMatchObject({ cause: s.expectedCause, namespace, pod: s.pod });
    expect(report?.args.channel).toBe('C0DOWN');
    // Once: the retried job posts one report, and the process never died.
    await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(reportMessages(slack)).toHaveLength(1);
    expect(bot.child.exitCode).toBeNull();
  });
});
