// 10,000 (FUZZ_RUNS) Alertmanager webhook bodies against the real web process: well-formed payloads with
// hostile labels, wrong types, missing fields, arbitrary JSON and text. Never a 5xx, the process lives,
// and every job it queued names a valid namespace and pod.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Queue } from 'bullmq';
import { junk } from '../support/snapshot-arbitrary.ts';
import { hostileSegment } from '../support/hostile-input.ts';
import { isDnsLabel, isDnsSubdomain } from '../../src/cluster/names.ts';
import { diagnosisQueueName, type DiagnosisJobData } from '../../src/queue/types.ts';
import { startWebStack, type WebStack } from './harness.ts';
import { FUZZ_RUNS, fuzzOptions, fuzzTimeout } from './fuzz.ts';

let stack: WebStack;
beforeAll(async () => {
  stack = await startWebStack();
});
afterAll(async () => {
  await stack?.close();
});

/** Mostly a valid value, sometimes a value of the wrong type. */
const mostly = <T,>(valid: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid as fc.Arbitrary<unknown>, weight: 12 }, { arbitrary: junk, weight: 1 });

const label = fc.oneof({ arbitrary: hostileSegment, weight: 8 }, fc.string({ maxLength: 40 }), junk);
const alert = fc.record(
  {
    status: mostly(fc.constantFrom('firing', 'resolved')),
    labels: fc.oneof(
      { arbitrary: fc.record({ alertname: fc.oneof(fc.constant('KubePodCrashLooping'), label), namespace: label, pod: label, container: label, deployment: label, cluster: label }, { requiredKeys: [] }), weight: 6 },
      fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 }), { maxKeys: 5 }),
      { arbitrary: junk, weight: 1 },
    ),
    annotations: mostly(fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 200 }), { maxKeys: 3 })),
    startsAt: mostly(fc.oneof({ arbitrary: fc.constant('2026-12-07T00:00:00Z'), weight: 6 }, fc.string({ maxLength: 30 }))),
    endsAt: mostly(fc.constant('0001-01-01T00:00:00Z')),
    generatorURL: mostly(fc.webUrl()),
    fingerprint: mostly(fc.stringMatching(/^[0-9a-f]{1,16}$/)),
  },
  { requiredKeys: ['labels', 'status', 'startsAt', 'fingerprint', 'annotations'] },
);
const webhook = fc.record(
  {
    version: mostly(fc.constant('4')),
    groupKey: mostly(fc.string({ maxLength: 60 })),
    truncatedAlerts: mostly(fc.nat()),
    status: mostly(fc.constantFrom('firing', 'resolved')),
    receiver: mostly(fc.constant('crashloop-bot')),
    groupLabels: mostly(fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), { maxKeys: 3 })),
    commonLabels: mostly(fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), { maxKeys: 3 })),
    commonAnnotations: mostly(fc.constant({})),
    externalURL: mostly(fc.constant('http://alertmanager.test:9093')),
    alerts: mostly(fc.array(alert, { maxLength: 4 })),
  },
  { requiredKeys: ['version', 'status', 'alerts', 'groupKey', 'receiver'] },
);
const body = fc.oneof({ arbitrary: webhook.map((w) => JSON.stringify(w)), weight: 8 }, fc.json(), fc.string({ maxLength: 300 }));

describe(`fuzz: Alertmanager payloads (${FUZZ_RUNS} cases)`, () => {
  it('answers 200 or 400, never 5xx, and queues only valid names', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const res = await fetch(`${stack.base}/alertmanager`, { method: 'POST', headers: { authorization: 'Bearer test-alertmanager-token-faults', 'content-type': 'application/json' }, body: text });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect([200, 400]).toContain(res.status);
      }),
      fuzzOptions(9103),
    );
    expect(stack.serve.child.exitCode).toBeNull();
    // Not vacuous: both accepted and refused payloads.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(FUZZ_RUNS / 20);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(FUZZ_RUNS / 20);

    const queue = new Queue<DiagnosisJobData>(diagnosisQueueName(stack.cluster), { connection: { url: stack.redis.url }, prefix: stack.prefix });
    try {
      const jobs = await queue.getJobs(['wait', 'delayed', 'active', 'prioritized'], 0, -1);
      expect(jobs.length).toBeGreaterThan(0);
      for (const job of jobs) {
        const { target, incident } = job.data;
        expect(isDnsLabel(incident?.namespace ?? ''), JSON.stringify(job.data)).toBe(true);
        const namespace = target.namespace ?? target.text.split('/')[0] ?? '';
        const name = target.text.includes('/') ? target.text.slice(target.text.indexOf('/') + 1) : target.text;
        expect(isDnsLabel(namespace), target.text).toBe(true);
        expect(isDnsSubdomain(name.replace(/^(deploy|sts|ds|pod)\//, '')), target.text).toBe(true);
      }
    } finally {
      await queue.close();
    }
    expect(stack.serve.output()).not.toMatch(/TypeError|unhandled promise rejection|uncaught exception|failed unexpectedly/);
  }, fuzzTimeout());
});
