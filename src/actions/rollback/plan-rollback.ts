// `kubectl rollout undo`, as a pure planner. Same decisions, same order of checks and same messages as
// kubectl's polymorphichelpers/rollback.go (read for reference, written anew here):
// - Deployment: pick the ReplicaSet of the wanted revision (or the second newest), refuse a paused
//   Deployment, skip when the template already matches (ignoring pod-template-hash), else JSON-patch
//   spec.template and metadata.annotations (skip-listed annotations kept from the Deployment, the rest
//   copied from the ReplicaSet, which is how change-cause comes back).
// - StatefulSet / DaemonSet: pick the ControllerRevision, skip when its data equals the current template,
//   else apply the revision's data as a strategic merge patch.
import { clone, isObject, objectAt, semanticEqual, stringMap, type Json, type JsonObject } from '../json.ts';

export type RollbackKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** Annotations kubectl keeps from the Deployment rather than copying them from the ReplicaSet. */
export const ANNOTATIONS_TO_SKIP: readonly string[] = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
];

export const ROLLED_BACK = 'rolled back';
export const SKIPPED = 'skipped rollback';

export interface RollbackPatch {
  /** `json` = application/json-patch+json, `strategic` = application/strategic-merge-patch+json. */
  type: 'json' | 'strategic';
  body: Json;
}

export type RollbackPlan =
  | {
      kind: 'patch';
      /** The revision restored (resolved when the request said "previous"). */
      revision: number;
      /** Name of the ReplicaSet or ControllerRevision. */
      source: string;
      patch: RollbackPatch;
      current: JsonObject;
      target: JsonObject;
      changeCause?: string;
      /** kubectl's output word: "rolled back". */
      message: string;
    }
  | { kind: 'skipped'; revision: number; source: string; message: string }
  | { kind: 'error'; message: string };

function revisionNotFound(revision: number): RollbackPlan {
  return { kind: 'error', message: `unable to find specified revision ${revision} in history` };
}

function isControlledBy(owned: JsonObject, owner: JsonObject): boolean {
  const uid = objectAt(owner, 'metadata')?.uid;
  const refs = objectAt(owned, 'metadata')?.ownerReferences;
  if (!Array.isArray(refs) || typeof uid !== 'string') return false;
  return refs.some((ref) => isObject(ref) && ref.controller === true && ref.uid === uid);
}

/** deploymentutil.Revision: a missing annotation is revision 0; an unparsable one is skipped. */
function replicaSetRevision(rs: JsonObject): number | undefined {
  const value = stringMap(objectAt(rs, 'metadata', 'annotations'))['deployment.kubernetes.io/revision'];
  if (value === undefined) return 0;
  return /^[+-]?\d+$/.test(value) ? Number.parseInt(value, 10) : undefined;
}

function withoutHashLabel(template: JsonObject): JsonObject {
  const copy = clone(template);
  const labels = objectAt(copy, 'metadata', 'labels');
  if (labels !== undefined) delete labels[POD_TEMPLATE_HASH_LABEL];
  return copy;
}

function changeCauseOf(obj: JsonObject): string | undefined {
  return stringMap(objectAt(obj, 'metadata', 'annotations'))['kubernetes.io/change-cause'];
}

/** Chooses the ReplicaSet: the one with the wanted revision, or the second newest when toRevision is 0. */
function pickReplicaSet(deployment: JsonObject, replicaSets: JsonObject[], toRevision: number): JsonObject | RollbackPlan {
  let latest: { rev: number; rs: JsonObject } | undefined;
  let previous: { rev: number; rs: JsonObject } | undefined;
  for (const rs of replicaSets) {
    if (!isControlledBy(rs, deployment)) continue;
    const rev = replicaSetRevision(rs);
    if (rev === undefined) continue;
    if (toRevision === 0) {
      if ((latest?.rev ?? -1) < rev) {
        previous = latest;
        latest = { rev, rs };
      } else if ((previous?.rev ?? -1) < rev) {
        previous = { rev, rs };
      }
    } else if (toRevision === rev) {
      return rs;
    }
  }
  if (toRevision > 0) return revisionNotFound(toRevision);
  if (previous === undefined) {
    const name = objectAt(deployment, 'metadata')?.name;
    return { kind: 'error', message: `no rollout history found for deployment "${String(name)}"` };
  }
  return previous.rs;
}

export function planDeploymentRollback(deployment: JsonObject, replicaSets: JsonObject[], toRevision: number): RollbackPlan {
  if (toRevision < 0) return revisionNotFound(toRevision);
  const picked = pickReplicaSet(deployment, replicaSets, toRevision);
  if (isRollbackPlan(picked)) return picked;
  const rs = picked;
  const rsName = String(objectAt(rs, 'metadata')?.name ?? '');
  const revision = replicaSetRevision(rs) ?? 0;
  if (objectAt(deployment, 'spec')?.paused === true) {
    return { kind: 'error', message: "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again" };
  }
  const rsTemplate = objectAt(rs, 'spec', 'template') ?? {};
  const current = objectAt(deployment, 'spec', 'template') ?? {};
  if (semanticEqual(withoutHashLabel(rsTemplate), withoutHashLabel(current))) {
    // kubectl prints the revision as requested (0 for "previous"), so do we.
    return { kind: 'skipped', revision, source: rsName, message: `${SKIPPED} (current template already matches revision ${toRevision})` };
  }
  const target = withoutHashLabel(rsTemplate);
  const deploymentAnnotations = stringMap(objectAt(deployment, 'metadata', 'annotations'));
  const annotations: Record<string, string> = {};
  for (const key of ANNOTATIONS_TO_SKIP) {
    const v = deploymentAnnotations[key];
    if (v !== undefined) annotations[key] = v;
  }
  for (const [key, v] of Object.entries(stringMap(objectAt(rs, 'metadata', 'annotations')))) {
    if (!ANNOTATIONS_TO_SKIP.includes(key)) annotations[key] = v;
  }
  const body: Json = [
    { op: 'replace', path: '/spec/template', value: target },
    { op: 'replace', path: '/metadata/annotations', value: annotations },
  ];
  const plan: RollbackPlan = { kind: 'patch', revision, source: rsName, patch: { type: 'json', body }, current, target, message: ROLLED_BACK };
  const cause = changeCauseOf(rs);
  if (cause !== undefined) plan.changeCause = cause;
  return plan;
}

function isRollbackPlan(value: JsonObject | RollbackPlan): value is RollbackPlan {
  return value.kind === 'error' || value.kind === 'skipped' || value.kind === 'patch';
}

function historyRevision(cr: JsonObject): number {
  return typeof cr.revision === 'number' ? cr.revision : 0;
}

/** The template stored in a ControllerRevision's data (`{"spec":{"template":{…,"$patch":"replace"}}}`). */
export function revisionTemplate(cr: JsonObject): JsonObject {
  const template = clone(objectAt(cr, 'data', 'spec', 'template') ?? {});
  delete template.$patch;
  return template;
}

export function planControllerRevisionRollback(workload: JsonObject, revisions: JsonObject[], toRevision: number): RollbackPlan {
  if (toRevision < 0) return revisionNotFound(toRevision);
  const history = revisions.filter((cr) => isControlledBy(cr, workload));
  if (toRevision === 0 && history.length <= 1) return { kind: 'error', message: 'no last revision to roll back to' };
  let chosen: JsonObject | undefined;
  if (toRevision === 0) {
    const sorted = [...history].sort((a, b) => historyRevision(a) - historyRevision(b));
    chosen = sorted[sorted.length - 2];
  } else {
    chosen = history.find((cr) => historyRevision(cr) === toRevision);
  }
  if (chosen === undefined) return revisionNotFound(toRevision);
  const name = String(objectAt(chosen, 'metadata')?.name ?? '');
  const revision = historyRevision(chosen);
  const current = objectAt(workload, 'spec', 'template') ?? {};
  const target = revisionTemplate(chosen);
  if (semanticEqual(target, current)) {
    return { kind: 'skipped', revision, source: name, message: `${SKIPPED} (current template already matches revision ${toRevision})` };
  }
  const data = chosen.data ?? {};
  const plan: RollbackPlan = { kind: 'patch', revision, source: name, patch: { type: 'strategic', body: clone(data) }, current, target, message: ROLLED_BACK };
  const cause = changeCauseOf(chosen);
  if (cause !== undefined) plan.changeCause = cause;
  return plan;
}

export function planRollback(kind: RollbackKind, workload: JsonObject, history: JsonObject[], toRevision: number): RollbackPlan {
  return kind === 'Deployment' ? planDeploymentRollback(workload, history, toRevision) : planControllerRevisionRollback(workload, history, toRevision);
}
