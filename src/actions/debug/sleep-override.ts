// Sleep override in place: the workload's container sleeps with no probes; the whole original template
// is kept in an annotation so "Revert" restores it exactly.
import { arrayAt, clone, isObject, objectAt, semanticEqual, stringMap, type Json, type JsonObject } from '../json.ts';
import { diffTemplates } from '../rollback/template-diff.ts';
import { ANNOTATION_PREFIX, sleepContainer } from './build-debug-copy.ts';

export const ORIGINAL_TEMPLATE_ANNOTATION = `${ANNOTATION_PREFIX}/sleep-override-original`;
export const OVERRIDE_BY_ANNOTATION = `${ANNOTATION_PREFIX}/sleep-override-by`;
/**
 * The template the override put in place, recorded at override time: Revert compares the workload
 * against it, so an edit made while debugging (`kubectl set image`) is noticed, not silently undone.
 */
export const APPLIED_TEMPLATE_ANNOTATION = `${ANNOTATION_PREFIX}/sleep-override-applied`;

/** JSON-pointer escaping of one path segment. */
function ptr(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Optimistic concurrency: the patch fails if the spec changed since we read the workload. `generation`
 * moves only with the spec; `resourceVersion` would also move with every status update of a rollout.
 */
function guard(workload: JsonObject): Json[] {
  const generation = objectAt(workload, 'metadata')?.generation;
  return typeof generation === 'number' ? [{ op: 'test', path: '/metadata/generation', value: generation }] : [];
}

export type OverridePlan = { kind: 'patch'; body: Json } | { kind: 'error'; message: string };

export function planSleepOverride(workload: JsonObject, container: string, command: string[], by: string): OverridePlan {
  const annotations = stringMap(objectAt(workload, 'metadata', 'annotations'));
  if (annotations[ORIGINAL_TEMPLATE_ANNOTATION] !== undefined) {
    return { kind: 'error', message: 'A sleep override is already in place on this workload; revert it first.' };
  }
  const template = objectAt(workload, 'spec', 'template');
  if (template === undefined) return { kind: 'error', message: 'The workload has no pod template.' };
  const next = clone(template);
  const target = [...arrayAt(next, 'spec', 'initContainers'), ...arrayAt(next, 'spec', 'containers')].find((c) => isObject(c) && c.name === container);
  if (!isObject(target)) return { kind: 'error', message: `Container "${container}" is not in the workload's template.` };
  sleepContainer(target, command);
  const ops: Json[] = [...guard(workload)];
  if (objectAt(workload, 'metadata', 'annotations') === undefined) ops.push({ op: 'add', path: '/metadata/annotations', value: {} });
  ops.push(
    { op: 'add', path: `/metadata/annotations/${ptr(ORIGINAL_TEMPLATE_ANNOTATION)}`, value: JSON.stringify(template) },
    { op: 'add', path: `/metadata/annotations/${ptr(OVERRIDE_BY_ANNOTATION)}`, value: by },
    { op: 'add', path: `/metadata/annotations/${ptr(APPLIED_TEMPLATE_ANNOTATION)}`, value: JSON.stringify(next) },
    { op: 'replace', path: '/spec/template', value: next },
  );
  return { kind: 'patch', body: ops };
}

export type RevertPlan = OverridePlan | { kind: 'changed'; changes: string[] };

/**
 * What changed in the template since the override, in words that show no values that could be
 * secrets: image changes with both images, other fields by name only.
 */
export function changesSinceOverride(applied: JsonObject, current: JsonObject): string[] {
  if (semanticEqual(applied, current)) return [];
  const named = diffTemplates(applied, current).map((c) =>
    c.field === 'image' ? `container ${c.container}: image ${c.before} → ${c.after}` : c.field === 'container' ? `container ${c.container}: ${c.after}` : `container ${c.container}: ${c.field} changed`,
  );
  return named.length > 0 ? named : ['the pod template changed (fields other than image, command, args, env and resources)'];
}

export function planRevert(workload: JsonObject, options: { force?: boolean } = {}): RevertPlan {
  const saved = stringMap(objectAt(workload, 'metadata', 'annotations'))[ORIGINAL_TEMPLATE_ANNOTATION];
  if (saved === undefined) return { kind: 'error', message: 'There is no sleep override to revert on this workload (already reverted?).' };
  let original: Json;
  try {
    original = JSON.parse(saved) as Json;
  } catch {
    return { kind: 'error', message: `The ${ORIGINAL_TEMPLATE_ANNOTATION} annotation is not valid JSON; restore the template by hand.` };
  }
  const annotations = stringMap(objectAt(workload, 'metadata', 'annotations'));
  const appliedText = annotations[APPLIED_TEMPLATE_ANNOTATION];
  if (appliedText !== undefined && options.force !== true) {
    let applied: Json;
    try {
      applied = JSON.parse(appliedText) as Json;
    } catch {
      applied = null;
    }
    const current = objectAt(workload, 'spec', 'template') ?? {};
    const changes = isObject(applied) ? changesSinceOverride(applied, current) : [`the ${APPLIED_TEMPLATE_ANNOTATION} annotation is not valid JSON`];
    if (changes.length > 0) return { kind: 'changed', changes };
  }
  const ops: Json[] = [...guard(workload)];
  ops.push(
    { op: 'replace', path: '/spec/template', value: original },
    { op: 'remove', path: `/metadata/annotations/${ptr(ORIGINAL_TEMPLATE_ANNOTATION)}` },
  );
  for (const extra of [OVERRIDE_BY_ANNOTATION, APPLIED_TEMPLATE_ANNOTATION]) {
    if (annotations[extra] !== undefined) ops.push({ op: 'remove', path: `/metadata/annotations/${ptr(extra)}` });
  }
  return { kind: 'patch', body: ops };
}

