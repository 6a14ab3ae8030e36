// The real Alertmanager delivers to the bot: grouping, bearer credentials from a file, retry on 503,
// resolved notifications. Alerts are posted to Alertmanager's /api/v2/alerts as Prometheus would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startAlertmanager, type RealAlertmanager } from '../alertmanager/real-alertmanager.ts';
import { startHarness, TOKEN, type Harness } from '../alertmanager/harness.ts';

let h: Harness;
let am: RealAlertmanager;

beforeAll(async () => {
  h = await startHarness();
  am = await startAlertmanager({ webhookUrl: h.url, token: TOKEN });
});
afterAll(async () => {
  await am?.stop();
  await h?.close();
});

const webhook = { integration: 'webhook' };

function crashLooping(pod: string, container = 'api'): { labels: Record<string, string>; annotations: Record<string, string>; startsAt: string } {
  return {
    labels: { alertname: 'KubePodCrashLooping', namespace: 'payments', pod, container, job: 'kube-state-metrics', severity: 'warning', cluster: 'test-cluster' },
    annotations: { description: `Pod payments/${pod} (${container}) is in waiting state (reason: "CrashLoopBackOff").` },
    startsAt: new Date(Date.now() - 12 * 60_000).toISOString(),
  };
}

describe('real Alertmanager -> POST /alertmanager', () => {
  it('retries through two 503s and delivers: one job and one thread per incident', async () => {
    h.failNext(2);
    await am.postAlerts([
      crashLooping('payments-api-7d9f8b6c5d-x2x7q'),
      crashLooping('payments-api-7d9f8b6c5d-k8m2n'),
      crashLooping('ledger-5c6d7f8b9-q4w5z', 'ledger'),
    ]);

    // Alertmanager's own view: one notification for the group, three HTTP attempts, two failed.
    await eventually('a successful webhook notification', async () => (await am.metric('alertmanager_notification_requests_total', webhook)) >= 3 && (await am.metric('alertmanager_notifications_total', webhook)) >= 1);
    expect(await am.metric('alertmanager_notification_requests_failed_total', webhook)).toBe(2);
    expect(await am.metric('alertmanager_notifications_failed_total', webhook)).toBe(0);

    const parents = await eventually('two incident messages', () => {
      const p = h.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === undefined);
      return p.length >= 2 ? p : undefined;
    });
    expect(parents.map((c) => String(c.args.text).match(/Deployment\/[a-z-]+/)?.[0]).sort()).toEqual(['Deployment/ledger', 'Deployment/payments-api']);
    expect(parents.every((c) => c.args.channel === 'C0PAYMENTS')).toBe(true);

    const jobs = await h.queue('test-cluster').getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    expect(jobs.map((j) => j.data.incident?.workload).sort()).toEqual(['Deployment/ledger', 'Deployment/payments-api']);
    // Alerts that started 12 min ago skip group_wait, so Alertmanager may split the group over two
    // notifications (first alert alone, then all three): however it batches, two jobs, no more.
    const counters = await h.client.hgetall(h.store.keys.countersKey);
    expect(counters).toMatchObject({ queued: '2', ignored: '0' });
    expect(Number(counters.received)).toBe(2 + Number(counters.deduplicated));
  });

  it('delivers the resolution: each incident parent is edited and the thread notes it', async () => {
    const endsAt = new Date().toISOString();
    await am.postAlerts([
      { ...crashLooping('payments-api-7d9f8b6c5d-x2x7q'), endsAt },
      { ...crashLooping('payments-api-7d9f8b6c5d-k8m2n'), endsAt },
      { ...crashLooping('ledger-5c6d7f8b9-q4w5z', 'ledger'), endsAt },
    ]);
    const updates = await eventually('both parents edited', () => {
      const u = h.slack.callsOf('chat.update');
      return u.length >= 2 ? u : undefined;
    });
    expect(updates).toHaveLength(2);
    for (const u of updates) expect(String(u.args.text)).toMatch(/resolved after 1[12] min/);
    // The outbox posts the thread notes after the parents' edits (edits go first): wait for both notes.
    const notes = await eventually('both thread notes posted', () => {
      const n = h.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts !== undefined);
      return n.length >= 2 ? n : undefined;
    });
    expect(notes.map((c) => String(c.args.text).startsWith('✅ All alerts resolved'))).toEqual([true, true]);
    // Still exactly one diagnosis per incident.
    expect(await h.queue('test-cluster').count()).toBe(2);
    expect(h.errors).toEqual([]);
  });
});
