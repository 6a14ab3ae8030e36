// Workloads with a known rollout history on the e2e cluster, built with the real kubectl, so kubectl's
// `rollout undo` and ours can be run on identical twins and compared.
import { stringify } from 'yaml';
import { kubectl, kubectlJson, waitFor } from '../../cluster/harness.ts';
import type { JsonObject } from '../../../src/actions/json.ts';
import type { RollbackKind } from '../../../src/actions/rollback/plan-rollback.ts';

export const RESOURCE: Record<RollbackKind, string> = { Deployment: 'deployment', StatefulSet: 'statefulset', DaemonSet: 'daemonset' };

/** The template of revision `i`: image, args, env and resources all move, so the diff has content. */
export function templateSpec(name: string, i: number): JsonObject {
  return {
    metadata: { labels: { app: name } },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'app',
          image: `registry.test/${name}:v${i}`,
          args: ['--revision', String(i)],
          env: [{ name: 'REVISION', value: String(i) }, ...(i % 2 === 0 ? [{ name: 'EVEN', value: 'yes' }] : [])],
          resources: { requests: { cpu: `${100 + i}m`, memory: '64Mi' }, limits: { memory: `${128 * i}Mi` } },
          readinessProbe: { exec: { command: ['true'] }, periodSeconds: 5 },
        },
      ],
    },
  };
}

export function manifest(kind: RollbackKind, name: string, options: { replicas?: number } = {}): JsonObject {
  const spec: JsonObject = { selector: { matchLabels: { app: name } }, template: templateSpec(name, 1) };
  if (kind !== 'DaemonSet') spec.replicas = options.replicas ?? 2;
  if (kind === 'Deployment') spec.revisionHistoryLimit = 10;
  if (kind === 'StatefulSet') spec.serviceName = name;
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, annotations: { 'kubernetes.io/change-cause': 'initial v1' } },
    spec,
  };
}

async function historyCount(ns: string, kind: RollbackKind, name: string): Promise<number> {
  const obj = await kubectlJson<JsonObject>(['-n', ns, 'get', RESOURCE[kind], name]);
  const uid = (obj.metadata as JsonObject).uid;
  const list = await kubectlJson<{ items: JsonObject[] }>(['-n', ns, 'get', kind === 'Deployment' ? 'replicasets' : 'controllerrevisions']);
  return list.items.filter((o) => {
    const refs = (o.metadata as JsonObject).ownerReferences;
    return Array.isArray(refs) && refs.some((r) => typeof r === 'object' && r !== null && !Array.isArray(r) && r.uid === uid && r.controller === true);
  }).length;
}

/** Waits until the controller has seen the latest spec. */
export async function settled(ns: string, kind: RollbackKind, name: string): Promise<JsonObject> {
  return waitFor(async () => {
    const obj = await kubectlJson<JsonObject>(['-n', ns, 'get', RESOURCE[kind], name]);
    const meta = obj.metadata as JsonObject;
    const status = (obj.status ?? {}) as JsonObject;
    return typeof status.observedGeneration === 'number' && status.observedGeneration >= (meta.generation as number) ? obj : undefined;
  }, { what: `${kind} ${ns}/${name} observed`, timeoutMs: 60_000 });
}

/**
 * Creates the workload with `revisions` revisions (1..n), each recorded with a change-cause. `apply`
 * creates it with `kubectl apply` (so it carries last-applied-configuration).
 */
export async function withHistory(ns: string, kind: RollbackKind, name: string, revisions: number, options: { apply?: boolean } = {}): Promise<void> {
  await kubectl(['-n', ns, options.apply === true ? 'apply' : 'create', '-f', '-'], { input: stringify(manifest(kind, name)) });
  await settled(ns, kind, name);
  await waitFor(async () => (await historyCount(ns, kind, name)) >= 1 || undefined, { what: `first revision of ${name}` });
  for (let i = 2; i <= revisions; i += 1) {
    const patch = { metadata: { annotations: { 'kubernetes.io/change-cause': `set image v${i}` } }, spec: { template: templateSpec(name, i) } };
    await kubectl(['-n', ns, 'patch', RESOURCE[kind], name, '--type=merge', '-p', JSON.stringify(patch)]);
    await settled(ns, kind, name);
    await waitFor(async () => (await historyCount(ns, kind, name)) >= i || undefined, { what: `revision ${i} of ${name}` });
  }
}

/** What a rollback decides: the parts kubectl changes. */
export async function rolloutView(ns: string, kind: RollbackKind, name: string): Promise<{ template: JsonObject; annotations: JsonObject; paused: boolean }> {
  const obj = await settled(ns, kind, name);
  const spec = obj.spec as JsonObject;
  return { template: spec.template as JsonObject, annotations: ((obj.metadata as JsonObject).annotations ?? {}) as JsonObject, paused: spec.paused === true };
}
