// POST /alertmanager end to end on loopback: real redis-server, real BullMQ queue, real WebClient
// against the fake Slack Web API.
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crashLoopAlert, payload } from './fixtures.ts';
import { post, startHarness, TOKEN, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

async function jobs(h: Harness) {
  return h.queue().getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
}

describe('authorization and validation', () => {
  it('answers 401 without a token or with a wrong one, and queues nothing', async () => {
    const body = payload([crashLoopAlert()]);
    const none = await post(h.url, body, null);
    const wrong = await post(h.url, body, 'wrong-token');
    const prefix = await post(h.url, body, TOKEN.slice(0, -1));
    expect([none.status, wrong.status, prefix.status]).toEqual([401, 401, 401]);
    expect(String(none.body.error)).toMatch(/bearer token/);
    expect(await jobs(h)).toHaveLength(0);
    expect(h.slack.callsOf('chat.postMessage')).toHaveLength(0);
  });

  it('answers 400 with the problem in plain words', async () => {
    const notJson = await post(h.url, '{"version": "4", ');
    expect(notJson.status).toBe(400);
    expect(String(notJson.body.error)).toMatch(/not valid JSON/);

    const wrongVersion = await post(h.url, { ...payload([crashLoopAlert()]), version: '3' });
    expect(wrongVersion.status).toBe(400);
    expect(String(wrongVersion.body.error)).toMatch(/^Not an Alertmanager webhook \(version 4\) payload: version: /);

    const badAlert = payload([crashLoopAlert()]);
    const broken: Record<string, unknown> = { ...badAlert, alerts: [{ ...badAlert.alerts[0], status: 'exploded', labels: 'x' }] };
    const res = await post(h.url, broken);
    expect(res.status).toBe(400);
    expect(String(res.body.error)).toContain('alerts.0.status');
    expect(String(res.body.error)).toContain('alerts.0.labels');
    expect(await jobs(h)).toHaveLength(0);
  });

  it('answers 413 for a body over the limit and queues nothing', async () => {
    const big = payload(Array.from({ length: 4000 }, (_, i) => crashLoopAlert({ pod: `api-7d9f8b6c5d-${'bcdfg'[i % 5]}x${i}`, description: 'x'.repeat(300) })));
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(1024 * 1024);
    const res = await post(h.url, big);
    expect(res.status).toBe(413);
    expect(await jobs(h)).toHaveLength(0);
  });

  it('answers 413 for a chunked body (no Content-Length) once it passes the limit', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(h.url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let i = 0; i < 32; i += 1) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
    expect(await jobs(h)).toHaveLength(0);
  });
});

const PAYMENTS_API = { cluster: 'test-cluster', namespace: 'payments', workload: 'Deployment/payments-api' };

/** Top-level messages and replies of the payments channel once the outbox is drained. */
async function settled(h: Harness) {
  await h.drained();
  const parentTs = await h.parentTs(PAYMENTS_API);
  return { view: h.slack.channelView('C0PAYMENTS'), parentTs, replies: parentTs === undefined ? [] : h.slack.threadOf('C0PAYMENTS', parentTs) };
}

describe('firing alerts', () => {
  it('answers before Slack does: the response arrives while the Slack server holds every request', async () => {
    h.slack.holdAll();
    const res = await post(h.url, payload([crashLoopAlert()]));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', alerts: 1, queued: 1 });
    await h.slack.waitFor(() => h.slack.heldCount() === 1);
    expect(h.slack.callsOf('chat.postMessage')).toHaveLength(0);
    h.slack.releaseAll();
    const { view } = await settled(h);
    expect(view).toHaveLength(1);
  });

  it('queues one diagnosis job per alert and opens the incident message in the routed channel', async () => {
    const res = await post(h.url, payload([crashLoopAlert({ cluster: 'test-cluster' })]));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', alerts: 1, queued: 1, deduplicated: 0, ignored: 0, resolved: 0 });

    const [job, ...rest] = await jobs(h);
    expect(rest).toHaveLength(0);
    const { view, parentTs } = await settled(h);
    expect(view).toHaveLength(1);
    expect(view[0]?.ts).toBe(parentTs);
    expect(view[0]?.text).toContain('payments/Deployment/payments-api');
    expect(view[0]?.text.length).toBeLessThanOrEqual(200);
    expect(job?.data).toMatchObject({
      v: 1,
      cluster: 'test-cluster',
      target: { text: 'payments/payments-api-7d9f8b6c5d-x2x7q', namespace: 'payments', fallback: 'deploy/payments-api' },
      origin: 'alertmanager',
      reply: { channel: 'C0PAYMENTS' },
      incident: PAYMENTS_API,
      requestedBy: 'fp-payments-payments-api-7d9f8b6c5d-x2x7q-api',
    });
  });

  it('acknowledges alerts with nothing to diagnose and counts them in Redis and the response', async () => {
    const node = crashLoopAlert({ fingerprint: 'node' });
    node.labels = { alertname: 'KubeNodeNotReady', node: 'worker-1' };
    const first = await post(h.url, payload([node, crashLoopAlert()]));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ alerts: 2, queued: 1, ignored: 1, ignoredTotal: 1 });
    const second = await post(h.url, payload([node]));
    expect(second.body).toMatchObject({ alerts: 1, queued: 0, ignored: 1, ignoredTotal: 2 });
    expect(await h.client.hget(h.store.keys.countersKey, 'ignored')).toBe('2');
  });

  it('replies in the thread only when something changed, and re-diagnoses then', async () => {
    const first = crashLoopAlert();
    await post(h.url, payload([first]));
    // Alertmanager repeats the same alert: nothing new.
    const repeat = await post(h.url, payload([first]));
    expect(repeat.body).toMatchObject({ queued: 0, deduplicated: 1 });
    // Another pod of the same Deployment, same container: same incident, no news.
    await post(h.url, payload([first, crashLoopAlert({ pod: 'payments-api-7d9f8b6c5d-k8m2n' })]));
    const quiet = await settled(h);
    expect(quiet.view).toHaveLength(1);
    expect(quiet.replies).toHaveLength(0);

    // A new container starts failing: one thread reply and a fresh diagnosis.
    const sidecar = await post(h.url, payload([first, crashLoopAlert({ container: 'envoy' })]));
    expect(sidecar.body).toMatchObject({ queued: 1 });
    const after = await settled(h);
    expect(after.view).toHaveLength(1);
    expect(after.replies).toHaveLength(1);
    expect(String(after.replies[0]?.args.text)).toContain('envoy');
    const incident = await h.store.get(PAYMENTS_API);
    expect(incident?.containers).toEqual(['api', 'envoy']);
    expect(incident?.generation).toBe(1);
    expect(await jobs(h)).toHaveLength(2);
  });
});

describe('resolved alerts', () => {
  it('resolves the incident when its last alert resolves: edits the parent and notes it in the thread', async () => {
    const a = crashLoopAlert({ pod: 'payments-api-7d9f8b6c5d-x2x7q', startsAt: '2026-11-21T22:00:00Z' });
    const b = crashLoopAlert({ pod: 'payments-api-7d9f8b6c5d-k8m2n', startsAt: '2026-11-21T22:01:00Z' });
    await post(h.url, payload([a, b]));
    const opened = await settled(h);
    expect(opened.view).toHaveLength(1);

    const aResolved = { ...a, status: 'resolved' as const, endsAt: '2026-11-21T22:08:00Z' };
    const partly = await post(h.url, payload([aResolved, b]));
    expect(partly.body).toMatchObject({ resolved: 0 });
    expect((await settled(h)).view[0]?.updates).toBe(0);

    const bResolved = { ...b, status: 'resolved' as const, endsAt: '2026-11-21T22:12:00Z' };
    const done = await post(h.url, payload([aResolved, bResolved], 'resolved'));
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ resolved: 1, queued: 0 });
    const resolved = await settled(h);
    expect(resolved.view).toHaveLength(1);
    expect(resolved.view[0]?.updates).toBe(1);
    expect(resolved.view[0]?.text).toContain('resolved after 12 min');
    expect(JSON.stringify(resolved.view[0]?.blocks)).not.toContain('"actions"');
    expect(resolved.replies).toHaveLength(1);
    expect(String(resolved.replies[0]?.args.text)).toContain('All alerts resolved');
    expect(JSON.stringify(resolved.replies[0]?.args.blocks)).toContain('<!date^');
    expect((await h.store.get(PAYMENTS_API))?.status).toBe('resolved');

    // Alertmanager may send the resolved notification again: no second edit.
    await post(h.url, payload([aResolved, bResolved], 'resolved'));
    expect((await settled(h)).view[0]?.updates).toBe(1);

    // Firing again reopens the same parent and diagnoses anew.
    const again = await post(h.url, payload([{ ...a, startsAt: '2026-11-21T23:00:00Z' }]));
    expect(again.body).toMatchObject({ queued: 1 });
    const reopened = await settled(h);
    expect(reopened.view).toHaveLength(1);
    expect(reopened.view[0]?.text).toContain('crash-looping');
    expect(String(reopened.replies.at(-1)?.args.text)).toContain('Firing again');
  });
});
