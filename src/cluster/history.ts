// Rollout history: ReplicaSets of a Deployment and ControllerRevisions of a StatefulSet or DaemonSet,
// turned into the engine's Revision shape. Pure.
import type { V1ControllerRevision, V1LabelSelector, V1ObjectMeta, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import type { Revision } from '../../diagnostics/types.ts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A LabelSelector as the `labelSelector` query string (matchLabels and matchExpressions). */
export function formatLabelSelector(selector: V1LabelSelector | undefined): string | undefined {
  if (!selector) return undefined;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) parts.push(`${key}=${value}`);
  for (const expr of selector.matchExpressions ?? []) {
    const values = (expr.values ?? []).join(',');
    switch (expr.operator) {
      case 'In':
        parts.push(`${expr.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${expr.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(expr.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${expr.key}`);
        break;
    }
  }
  return parts.length > 0 ? parts.join(',') : undefined;
}

/** True when `meta` is owned by the object with this uid (or, without a uid, this kind and name). */
export function isOwnedBy(meta: V1ObjectMeta | undefined, owner: { kind: string; name: string; uid?: string }): boolean {
  return (meta?.ownerReferences ?? []).some((ref) =>
    owner.uid ? ref.uid === owner.uid : ref.kind === owner.kind && ref.name === owner.name,
  );
}

function createdAt(meta: V1ObjectMeta | undefined): string | undefined {
  const ts: unknown = meta?.creationTimestamp;
  if (ts instanceof Date) return Number.isNaN(ts.getTime()) ? undefined : ts.toISOString();
  return typeof ts === 'string' ? ts : undefined;
}

/** ReplicaSets owned by a Deployment, as revisions (those without a revision annotation are skipped). */
export function revisionsFromReplicaSets(replicaSets: V1ReplicaSet[], owner: { kind: string; name: string; uid?: string }): Revision[] {
  const revisions: Revision[] = [];
  for (const rs of replicaSets) {
    if (!isOwnedBy(rs.metadata, owner)) continue;
    const revision = Number(rs.metadata?.annotations?.[REVISION_ANNOTATION]);
    const template = rs.spec?.template;
    if (!Number.isInteger(revision) || revision <= 0 || !template) continue;
    const entry: Revision = { revision, name: rs.metadata?.name ?? '', template };
    const at = createdAt(rs.metadata);
    if (at) entry.createdAt = at;
    const cause = rs.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION];
    if (cause) entry.changeCause = cause;
    revisions.push(entry);
  }
  return revisions.sort((a, b) => a.revision - b.revision);
}

/** Strips strategic-merge directives ("$patch", "$retainKeys"...) that ControllerRevision data carries. */
function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith('$')) continue;
    out[key] = stripDirectives(inner);
  }
  return out;
}

/**
 * The pod template stored in a ControllerRevision's `data`: a patch of the form
 * {"spec":{"template":{…,"$patch":"replace"}}}. Accepts the object or its JSON text; undefined when absent.
 */
export function decodeRevisionTemplate(data: unknown): V1PodTemplateSpec | undefined {
  let value = data;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (!isRecord(value) || !isRecord(value.spec) || !isRecord(value.spec.template)) return undefined;
  const template = stripDirectives(value.spec.template);
  // A pod template is a plain JSON object of the client's V1PodTemplateSpec shape.
  return isRecord(template) ? (template as V1PodTemplateSpec) : undefined;
}

/** ControllerRevisions owned by a StatefulSet or DaemonSet, as revisions. */
export function revisionsFromControllerRevisions(items: V1ControllerRevision[], owner: { kind: string; name: string; uid?: string }): Revision[] {
  const revisions: Revision[] = [];
  for (const cr of items) {
    if (!isOwnedBy(cr.metadata, owner)) continue;
    const template = decodeRevisionTemplate(cr.data);
    if (!template || !Number.isFinite(cr.revision)) continue;
    const entry: Revision = { revision: Number(cr.revision), name: cr.metadata?.name ?? '', template };
    const at = createdAt(cr.metadata);
    if (at) entry.createdAt = at;
    const cause = cr.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION];
    if (cause) entry.changeCause = cause;
    revisions.push(entry);
  }
  return revisions.sort((a, b) => a.revision - b.revision);
}
