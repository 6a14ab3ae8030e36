// The debug copy: the same pod spec with the failing container put to sleep, so a person can exec in and
// look around. Nothing may select it (no labels, no owner), nothing may kill it early (no probes), the
// scheduler places it afresh (no nodeName), and it dies on its own (activeDeadlineSeconds).
import { randomBytes } from 'node:crypto';
import { arrayAt, clone, isObject, objectAt, type Json, type JsonObject } from '../json.ts';

export const ANNOTATION_PREFIX = 'crashloop.dev';
export const DEBUG_ANNOTATIONS = {
  copyOf: `${ANNOTATION_PREFIX}/debug-copy-of`,
  createdBy: `${ANNOTATION_PREFIX}/created-by`,
  incident: `${ANNOTATION_PREFIX}/incident`,
  expiresAt: `${ANNOTATION_PREFIX}/expires-at`,
} as const;

export const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;

export interface DebugCopyOptions {
  container: string;
  /** Default ["sleep", "3600"]. */
  command?: string[];
  ttlSeconds: number;
  createdBy: string;
  incident?: string;
  now: Date;
  /** Name suffix; random when absent. */
  suffix?: string;
}

export function debugCopyName(pod: string, suffix: string): string {
  const tail = `-debug-${suffix}`;
  return `${pod.slice(0, 63 - tail.length).replace(/[-.]+$/, '')}${tail}`;
}

/** Puts one container to sleep: command replaced, args and probes removed. */
export function sleepContainer(container: JsonObject, command: string[]): void {
  container.command = command;
  delete container.args;
  for (const probe of PROBES) delete container[probe];
}

export function buildDebugCopy(pod: JsonObject, options: DebugCopyOptions): JsonObject {
  const meta = objectAt(pod, 'metadata') ?? {};
  const name = debugCopyName(String(meta.name ?? 'pod'), options.suffix ?? randomBytes(3).toString('hex'));
  const spec = clone(objectAt(pod, 'spec') ?? {});
  // Fields admission or the scheduler filled in for the original (a copy carrying them may be rejected or stuck).
  for (const key of ['nodeName', 'ephemeralContainers', 'hostname', 'subdomain', 'priority', 'preemptionPolicy', 'overhead', 'schedulingGates']) delete spec[key];
  let found = false;
  for (const list of ['initContainers', 'containers']) {
    for (const c of arrayAt(spec, list)) {
      if (!isObject(c)) continue;
      // Probes go on every container: a sidecar's failing probe must not kill the session either.
      for (const probe of PROBES) delete c[probe];
      if (c.name === options.container) {
        sleepContainer(c, options.command ?? ['sleep', '3600']);
        found = true;
      }
    }
  }
  if (!found) throw new Error(`container "${options.container}" is not in pod ${String(meta.name)}`);
  spec.activeDeadlineSeconds = options.ttlSeconds;
  const annotations: Record<string, Json> = {
    [DEBUG_ANNOTATIONS.copyOf]: String(meta.name ?? ''),
    [DEBUG_ANNOTATIONS.createdBy]: options.createdBy,
    [DEBUG_ANNOTATIONS.expiresAt]: new Date(options.now.getTime() + options.ttlSeconds * 1000).toISOString(),
  };
  if (options.incident !== undefined) annotations[DEBUG_ANNOTATIONS.incident] = options.incident;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: String(meta.namespace ?? 'default'), annotations },
    spec,
  };
}

export { execCommand } from '../commands.ts';
