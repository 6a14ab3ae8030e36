// `rollout undo` against a cluster: read the workload and its history, plan as kubectl does, patch.
import type { ClusterWriter } from '../../cluster/actions/cluster-writer.ts';
import type { JsonObject } from '../json.ts';
import { planRollback, type RollbackKind, type RollbackPlan } from './plan-rollback.ts';

export interface UndoRequest {
  namespace: string;
  kind: RollbackKind;
  name: string;
  /** 0 = the previous revision (kubectl's default). */
  toRevision: number;
  dryRun?: boolean;
  signal?: AbortSignal;
}

export type UndoResult = RollbackPlan & { applied: boolean; result?: JsonObject };

/** Reads what a rollback would do, without changing anything (for the confirm dialog). */
export async function planUndo(writer: ClusterWriter, req: Omit<UndoRequest, 'dryRun'>): Promise<RollbackPlan> {
  const workload = await writer.getWorkload(req.namespace, req.kind, req.name, req.signal);
  const history = req.kind === 'Deployment' ? await writer.listReplicaSets(req.namespace, req.signal) : await writer.listControllerRevisions(req.namespace, req.signal);
  return planRollback(req.kind, workload, history, req.toRevision);
}

export async function rolloutUndo(writer: ClusterWriter, req: UndoRequest): Promise<UndoResult> {
  const plan = await planUndo(writer, req);
  if (plan.kind !== 'patch') return { ...plan, applied: false };
  const result = await writer.patchWorkload(req.namespace, req.kind, req.name, plan.patch.type, plan.patch.body, { dryRun: req.dryRun === true, signal: req.signal });
  return { ...plan, applied: req.dryRun !== true, result };
}
