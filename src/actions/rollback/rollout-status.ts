// Where a rollout stands, with kubectl rollout status's rules, from the workload object alone.
import { arrayAt, isObject, objectAt, type JsonObject } from '../json.ts';
import type { RollbackKind } from './plan-rollback.ts';

export type RolloutStatus =
  | { state: 'progressing'; ready: number; desired: number; message: string }
  | { state: 'complete'; ready: number; desired: number; message: string }
  | { state: 'failed'; message: string }
  | { state: 'unknown'; message: string };

function num(obj: JsonObject | undefined, key: string): number {
  const v = obj?.[key];
  return typeof v === 'number' ? v : 0;
}

export function rolloutStatus(kind: RollbackKind, workload: JsonObject): RolloutStatus {
  const meta = objectAt(workload, 'metadata');
  const spec = objectAt(workload, 'spec');
  const status = objectAt(workload, 'status');
  if (num(status, 'observedGeneration') < num(meta, 'generation')) {
    return { state: 'progressing', ready: 0, desired: 0, message: 'waiting for the controller to see the change…' };
  }
  if (kind === 'Deployment') {
    const desired = typeof spec?.replicas === 'number' ? spec.replicas : 1;
    for (const c of arrayAt(status, 'conditions')) {
      if (isObject(c) && c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded') {
        return { state: 'failed', message: `rollout failed: progress deadline exceeded (${String(c.message ?? '')})` };
      }
    }
    const updated = num(status, 'updatedReplicas');
    const replicas = num(status, 'replicas');
    const available = num(status, 'availableReplicas');
    if (updated < desired) return { state: 'progressing', ready: Math.min(available, updated), desired, message: `${updated}/${desired} updated…` };
    if (replicas > updated) return { state: 'progressing', ready: available, desired, message: `${replicas - updated} old replicas terminating…` };
    if (available < updated) return { state: 'progressing', ready: available, desired, message: `${available}/${desired} ready…` };
    return { state: 'complete', ready: available, desired, message: `${available}/${desired} ready, rollout complete` };
  }
  if (kind === 'StatefulSet') {
    const strategy = objectAt(spec, 'updateStrategy')?.type;
    if (strategy === 'OnDelete') return { state: 'unknown', message: 'updateStrategy OnDelete: pods change only when deleted by hand' };
    const desired = typeof spec?.replicas === 'number' ? spec.replicas : 1;
    const ready = num(status, 'readyReplicas');
    if (ready < desired) return { state: 'progressing', ready, desired, message: `${ready}/${desired} ready…` };
    const partition = num(objectAt(spec, 'updateStrategy', 'rollingUpdate'), 'partition');
    if (partition > 0) {
      const updated = num(status, 'updatedReplicas');
      if (updated < desired - partition) return { state: 'progressing', ready, desired, message: `${updated}/${desired - partition} updated (partition ${partition})…` };
      return { state: 'complete', ready, desired, message: `partitioned roll out complete: ${updated} new pods` };
    }
    if (status?.updateRevision !== status?.currentRevision) {
      return { state: 'progressing', ready: num(status, 'updatedReplicas'), desired, message: `${num(status, 'updatedReplicas')}/${desired} updated…` };
    }
    return { state: 'complete', ready, desired, message: `${ready}/${desired} ready, rollout complete` };
  }
  const desired = num(status, 'desiredNumberScheduled');
  const updated = num(status, 'updatedNumberScheduled');
  const available = num(status, 'numberAvailable');
  if (updated < desired) return { state: 'progressing', ready: Math.min(updated, available), desired, message: `${updated}/${desired} updated…` };
  if (available < desired) return { state: 'progressing', ready: available, desired, message: `${available}/${desired} ready…` };
  return { state: 'complete', ready: available, desired, message: `${available}/${desired} ready, rollout complete` };
}
