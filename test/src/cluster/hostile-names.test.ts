// 300 hostile slash inputs (fast-check, fixed seed) through the real parser, resolver and KubeGateway,
// against a local HTTP server standing in for the API server that records every request: not one
// request may carry a namespace that is not a DNS-1123 label, an object name that is not a DNS-1123
// subdomain, or a selector built from such a name. The gateway refuses invalid names by itself too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createKubeGateway, type KubeGateway } from '../../../src/cluster/kube-gateway.ts';
import { resolveTarget } from '../../../src/cluster/resolve-target.ts';
import { ClusterError } from '../../../src/cluster/types.ts';
import { isDnsLabel, isDnsSubdomain, nameProblem } from '../../../src/cluster/names.ts';
import { parseCommand } from '../../../src/slack/command.ts';
import { mapAlert } from '../../../src/alertmanager/map-alert.ts';
import { invalidNamesIn, startRecordingApiServer, type RecordingApiServer } from '../../support/recording-apiserver.ts';
import { hostileSegment, hostileSlashText } from '../../support/hostile-input.ts';

let api: RecordingApiServer;
let gateway: KubeGateway;

beforeAll(async () => {
  api = await startRecordingApiServer();
  gateway = createKubeGateway({ kubeconfigText: api.kubeconfig, clusterName: 'prod', env: {} });
});

afterAll(async () => {
  await api.close();
});

describe('hostile names never reach the API server', () => {
  it('300 hostile slash inputs: every request carries valid names only', async () => {
    const before = api.requests.length;
    let diagnosed = 0;
    await fc.assert(
      fc.asyncProperty(hostileSlashText, async (text) => {
        const parsed = parseCommand(text, { clusters: ['prod', 'staging'] });
        if (parsed.kind === 'error') {
          expect(parsed.message.length).toBeLessThan(400);
          return;
        }
        if (parsed.kind !== 'diagnose') return;
        diagnosed += 1;
        const result = await resolveTarget(gateway, parsed.target);
        expect(['not-found', 'pod', 'ambiguous']).toContain(result.kind);
      }),
      { seed: 1111, numRuns: 300 },
    );
    const sent = api.requests.slice(before);
    const invalid = sent.flatMap((r) => invalidNamesIn(r).map((p) => `${r.path}: ${p}`));
    expect(invalid).toEqual([]);
    // Not vacuous: valid inputs got through and were looked up.
    expect(diagnosed).toBeGreaterThan(30);
    expect(sent.length).toBeGreaterThan(30);
  });

  it('the CLI path (raw target text to the resolver) sends valid names only', async () => {
    const before = api.requests.length;
    await fc.assert(
      fc.asyncProperty(fc.array(hostileSegment, { minLength: 1, maxLength: 3 }).map((p) => p.join('/')), fc.option(hostileSegment, { nil: undefined }), async (text, namespace) => {
        await resolveTarget(gateway, namespace === undefined ? { text } : { text, namespace });
      }),
      { seed: 2222, numRuns: 200 },
    );
    expect(api.requests.slice(before).flatMap(invalidNamesIn)).toEqual([]);
  });

  it('Alertmanager labels: only valid names become targets', () => {
    fc.assert(
      fc.property(hostileSegment, hostileSegment, hostileSegment, (namespace, pod, container) => {
        const mapped = mapAlert({ status: 'firing', labels: { alertname: 'KubePodCrashLooping', namespace, pod, container }, annotations: {}, startsAt: '2026-12-07T00:00:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: 'f1' }, 'prod');
        if (mapped.kind !== 'diagnose') return;
        expect(isDnsLabel(mapped.subject.incident.namespace)).toBe(true);
        if (mapped.subject.pod !== undefined) expect(isDnsSubdomain(mapped.subject.pod)).toBe(true);
        if (mapped.subject.container !== undefined) expect(isDnsLabel(mapped.subject.container)).toBe(true);
      }),
      { seed: 3333, numRuns: 1000 },
    );
  });

  it('the gateway itself refuses an invalid name before any request (BAD_REQUEST, not retried)', async () => {
    const before = api.requests.length;
    const calls = [
      () => gateway.getPod('a..b', 'api'),
      () => gateway.getPod('ns', 'x'.repeat(254)),
      () => gateway.listPods('n'.repeat(64)),
      () => gateway.listPods(undefined, { fieldSelector: `metadata.name=${'y'.repeat(10_000)}` }),
      () => gateway.listEvents('ns', 'Bad_Name'),
      () => gateway.readLogs('ns', 'api', 'Container.With.Dots', { previous: true }),
      () => gateway.getWorkload('ns', 'Deployment', '../etc/passwd'),
    ];
    for (const call of calls) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ClusterError);
      expect((error as ClusterError).code).toBe('BAD_REQUEST');
      expect((error as ClusterError).retryable).toBe(false);
    }
    expect(api.requests.length).toBe(before);
  });

  it('answers "../etc/passwd" as a bad reference, not as an unknown cluster', () => {
    const parsed = parseCommand('../etc/passwd', { clusters: ['prod', 'staging'] });
    expect(parsed.kind).toBe('error');
    const message = parsed.kind === 'error' ? parsed.message : '';
    expect(message).toContain('is not a pod reference');
    expect(message).not.toContain('cluster');
  });

  it('says which rule a name breaks, and never echoes more than 60 characters of it', () => {
    expect(nameProblem('namespace', 'a.b')).toContain('namespace name is at most 63');
    expect(nameProblem('object', 'x'.repeat(254))).toContain('(254 characters)');
    expect(nameProblem('object', 'x'.repeat(253))).toBeUndefined();
    expect(nameProblem('container', 'web-1')).toBeUndefined();
  });
});
