// Rollout history from the real controllers: a Deployment rolled from a good v1 to a crashing v2 has
// two ReplicaSets written by the deployment controller; capture reads them and the engine reports the
// image change between revisions 1 and 2. A StatefulSet's history comes from its ControllerRevisions.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { V1Pod } from '@kubernetes/client-node';
import { diagnose } from '../../diagnostics/index.ts';
import type { Snapshot } from '../../diagnostics/types.ts';
import { captureSnapshot } from '../../src/cluster/capture-snapshot.ts';
import { createKubeGateway, type KubeGateway } from '../../src/cluster/kube-gateway.ts';
import { resolveTarget } from '../../src/cluster/resolve-target.ts';
import { renderText, PLAIN } from '../../src/cli/render-text.ts';
import { SIM, SIM_LABEL, cluster, deleteNamespace, kubectl, kubectlJson, newNamespace, waitFor } from '../cluster/harness.ts';

let ns: string;
let gw: KubeGateway;

function deployment(version: '1.0' | '2.0'): string {
  const labels: Record<string, string> = { app: 'app' };
  if (version === '2.0') labels[SIM_LABEL] = SIM.crash;
  return stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'app', annotations: { 'kubernetes.io/change-cause': `deploy app ${version}` } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'app' } },
      template: {
        metadata: { labels, annotations: version === '2.0' ? { 'crashloop.test/exit-code': '1' } : {} },
        spec: { containers: [{ name: 'app', image: `app:${version}` }] },
      },
    },
  });
}

async function pods(selector: string): Promise<V1Pod[]> {
  return (await kubectlJson<{ items: V1Pod[] }>(['-n', ns, 'get', 'pods', '-l', selector])).items;
}

beforeAll(async () => {
  ns = await newNamespace('rollout');
  gw = createKubeGateway({ kubeconfig: cluster().kubeconfig, env: {} });
  // Logs for every pod of the namespace (pod names come from the controllers), served by kwok.
  const logsFile = join(cluster().dir, `${ns}.log`);
  await writeFile(logsFile, '2026-11-21T10:00:00.000000000Z stderr F panic: runtime error: invalid memory address or nil pointer dereference\n');
  await kubectl(['apply', '-f', '-'], {
    input: stringify({
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'ClusterLogs',
      metadata: { name: ns },
      spec: { selector: { matchNamespaces: [ns] }, logs: [{ logsFile, previousLogsFile: logsFile }] },
    }),
  });
});

afterAll(async () => {
  if (ns) {
    await kubectl(['delete', 'clusterlogs', ns, '--ignore-not-found']).catch(() => undefined);
    await deleteNamespace(ns);
  }
});

describe('Deployment rolled from a good v1 to a crashing v2', () => {
  let snapshot: Snapshot;
  let crashing: string;

  beforeAll(async () => {
    await kubectl(['-n', ns, 'apply', '-f', '-'], { input: deployment('1.0') });
    await waitFor(async () => (await pods('app=app')).some((p) => p.status?.containerStatuses?.[0]?.state?.running) || undefined, {
      what: 'the v1 pod to run',
      timeoutMs: 90_000,
    });
    await kubectl(['-n', ns, 'apply', '-f', '-'], { input: deployment('2.0') });
    crashing = await waitFor(
      async () => {
        const p = (await pods(`${SIM_LABEL}=${SIM.crash}`)).find((x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff');
        return p?.metadata?.name;
      },
      { what: 'the v2 pod to crash-loop', timeoutMs: 120_000 },
    );
  });

  it('resolves deploy/app to the crash-looping v2 pod', async () => {
    expect(await resolveTarget(gw, { text: 'deploy/app', namespace: ns })).toEqual({ kind: 'pod', namespace: ns, name: crashing, via: { kind: 'Deployment', name: 'app' } });
    expect(await resolveTarget(gw, { text: 'app', namespace: ns })).toMatchObject({ kind: 'pod', name: crashing });
  });

  it('captures the owner chain and both ReplicaSet revisions', async () => {
    snapshot = await captureSnapshot(gw, ns, crashing);
    expect(snapshot.owners?.map((o) => o.kind)).toEqual(['ReplicaSet', 'Deployment']);
    expect(snapshot.owners?.[1]?.name).toBe('app');
    expect(snapshot.history?.map((r) => [r.revision, r.template.spec?.containers[0]?.image])).toEqual([
      [1, 'app:1.0'],
      [2, 'app:2.0'],
    ]);
    expect(snapshot.history?.[1]?.changeCause).toBe('deploy app 2.0');
    expect(snapshot.gaps).toBeUndefined();
  });

  it('reports the image change between revisions 1 and 2', () => {
    const report = diagnose(snapshot);
    expect(report.change).toMatchObject({ owner: { kind: 'Deployment', name: 'app' }, fromRevision: 1, toRevision: 2, crashesBeganAfter: true });
    expect(report.change?.changes).toContainEqual({ field: 'image', container: 'app', before: 'app:1.0', after: 'app:2.0' });
    const text = renderText(report, PLAIN);
    expect(text).toContain('What changed: Deployment/app revision 1 → 2');
    expect(text).toContain('image [app]: app:1.0 → app:2.0');
  });
});

describe('StatefulSet history from ControllerRevisions', () => {
  it('decodes the pod template of each revision', async () => {
    const sts = (image: string) =>
      stringify({
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db' },
        spec: {
          replicas: 1,
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image }] } },
        },
      });
    await kubectl(['-n', ns, 'apply', '-f', '-'], { input: sts('postgres:16.1') });
    await waitFor(async () => (await pods('app=db')).length > 0 || undefined, { what: 'pod db-0', timeoutMs: 90_000 });
    await kubectl(['-n', ns, 'apply', '-f', '-'], { input: sts('postgres:16.2') });
    await waitFor(async () => (await kubectlJson<{ items: unknown[] }>(['-n', ns, 'get', 'controllerrevisions', '-l', 'app=db'])).items.length >= 2 || undefined, {
      what: 'two ControllerRevisions',
      timeoutMs: 60_000,
    });
    const snapshot = await waitFor(async () => captureSnapshot(gw, ns, 'db-0').catch(() => undefined), { what: 'capture of db-0', timeoutMs: 60_000 });
    expect(snapshot.owners?.map((o) => `${o.kind}/${o.name}`)).toEqual(['StatefulSet/db']);
    expect(snapshot.history?.map((r) => [r.revision, r.template.spec?.containers[0]?.image])).toEqual([
      [1, 'postgres:16.1'],
      [2, 'postgres:16.2'],
    ]);
  });
});
