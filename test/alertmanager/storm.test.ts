// An alert storm: 1,000 alerts over 100 workloads, sent as concurrent webhooks, make 100 diagnoses and
// 100 incident threads, not 1,000.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookAlert } from '../../src/alertmanager/schema.ts';
import { incidentId } from '../../src/queue/types.ts';
import { crashLoopAlert, payload } from './fixtures.ts';
import { post, startHarness, type Harness } from './harness.ts';

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';
function suffix(n: number): string {
  let out = '';
  for (let i = 0; i < 5; i += 1) {
    out += SAFE[n % SAFE.length];
    n = Math.floor(n / SAFE.length);
  }
  return out;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('alert storm', () => {
  it('coalesces 1,000 alerts over 100 workloads into exactly 100 jobs and 100 parents', async () => {
    const alerts: WebhookAlert[] = [];
    for (let replica = 0; replica < 10; replica += 1) {
      for (let w = 0; w < 100; w += 1) {
        const namespace = w % 2 === 0 ? 'payments' : `team-${w % 7}`;
        alerts.push(crashLoopAlert({ namespace, pod: `svc-${w}-6b7c8d9f4-${suffix(w * 10 + replica)}` }));
      }
    }
    expect(alerts).toHaveLength(1000);
    // 10 concurrent webhooks of 100 alerts; every workload appears in every one of them.
    const batches = Array.from({ length: 10 }, (_, i) => alerts.slice(i * 100, i * 100 + 100));
    const responses = await Promise.all(batches.map((batch) => post(h.url, payload(batch))));
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 200));
    const sum = (field: string): number => responses.reduce((n, r) => n + Number(r.body[field]), 0);
    expect(sum('alerts')).toBe(1000);
    expect(sum('queued')).toBe(100);
    expect(sum('deduplicated')).toBe(900);

    const jobs = await h.queue().getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    expect(jobs).toHaveLength(100);
    const incidents = new Set(jobs.map((j) => (j.data.incident === undefined ? 'none' : incidentId(j.data.incident))));
    expect(incidents.size).toBe(100);
    expect(incidents.has('none')).toBe(false);

    await h.drained(60_000);
    const parents = h.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts === undefined);
    expect(parents).toHaveLength(100);
    expect(parents.every((c) => String(c.args.text).length <= 200)).toBe(true);
    expect(new Set(parents.map((c) => String(c.args.text))).size).toBe(100);
    expect(parents.filter((c) => c.args.channel === 'C0PAYMENTS')).toHaveLength(50);
    expect(h.slack.callsOf('chat.postMessage').filter((c) => c.args.thread_ts !== undefined)).toHaveLength(0);
    expect(h.errors).toEqual([]);
  });

  it('opens one parent message when 20 webhooks race for a new incident', async () => {
    const alert = crashLoopAlert({ namespace: 'race', pod: 'racer-6b7c8d9f4-bcdfg' });
    const responses = await Promise.all(Array.from({ length: 20 }, () => post(h.url, payload([alert]))));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(responses.reduce((n, r) => n + Number(r.body.queued), 0)).toBe(1);
    await h.drained();
    const parents = h.slack.callsOf('chat.postMessage').filter((c) => String(c.args.text).includes('Deployment/racer'));
    expect(parents).toHaveLength(1);
  });
});
