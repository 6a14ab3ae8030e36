// The revision a workload is at now, read the way the report read it: a Deployment's
// `deployment.kubernetes.io/revision`, the highest ControllerRevision a StatefulSet or DaemonSet
// controls. A report button acting on the template (rollback, sleep override) compares it with the
// revision the report saw, so a click never acts on a workload that moved since.
import type { ClusterWriter } from '../../cluster/actions/cluster-writer.ts';
import { isObject, objectAt, stringMap } from '../json.ts';
import type { RollbackKind } from './plan-rollback.ts';

export async function currentRevision(writer: ClusterWriter, namespace: string, kind: RollbackKind, name: string, signal?: AbortSignal): Promise<number | undefined> {
  const workload = await writer.getWorkload(namespace, kind, name, signal);
  if (kind === 'Deployment') {
    const raw = stringMap(objectAt(workload, 'metadata', 'annotations'))['deployment.kubernetes.io/revision'];
    const n = raw === undefined ? Number.NaN : Number.parseInt(raw, 10);
    return Number.isInteger(n) ? n : undefined;
  }
  const uid = objectAt(workload, 'metadata')?.uid;
  let highest: number | undefined;
  for (const item of await writer.listControllerRevisions(namespace, signal)) {
    const refs = objectAt(item, 'metadata')?.ownerReferences;
    const owned = Array.isArray(refs) && refs.some((r) => isObject(r) && r.controller === true && r.uid === uid);
    if (owned && typeof item.revision === 'number' && (highest === undefined || item.revision > highest)) highest = item.revision;
  }
  return highest;
}
