// Raw Kubernetes JSON, as the API server sends it. The write side works on raw objects (not the typed
// client models) so that no field the client does not know is dropped on a round trip: a rollback must
// restore a template byte for byte, the way kubectl does.

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a nested object field, or undefined. */
export function objectAt(value: unknown, ...path: string[]): JsonObject | undefined {
  let current: unknown = value;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return isObject(current) ? current : undefined;
}

export function stringAt(value: unknown, ...path: string[]): string | undefined {
  const parent = objectAt(value, ...path.slice(0, -1));
  const last = path[path.length - 1];
  if (parent === undefined || last === undefined) return undefined;
  const v = parent[last];
  return typeof v === 'string' ? v : undefined;
}

export function arrayAt(value: unknown, ...path: string[]): Json[] {
  const parent = objectAt(value, ...path.slice(0, -1));
  const last = path[path.length - 1];
  if (parent === undefined || last === undefined) return [];
  const v = parent[last];
  return Array.isArray(v) ? v : [];
}

/** A string map (labels, annotations); non-string values are ignored. */
export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(value)) return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function clone<T extends Json>(value: T): T {
  return structuredClone(value);
}

function isEmpty(value: Json | undefined): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value)) return Object.keys(value).length === 0;
  return false;
}

/**
 * apimachinery's Semantic.DeepEqual on JSON: like deep equality, except that an empty map or list equals an
 * absent one (Go's nil vs empty). Quantities arrive canonicalised by the API server, so string equality suffices.
 */
export function semanticEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => semanticEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!semanticEqual(a[key], b[key])) return false;
    return true;
  }
  return a === b;
}
