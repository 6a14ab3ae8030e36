// Parsing what the user typed and suggesting close names. Pure.
import type { WorkloadKind } from './types.ts';

const KIND_ALIASES: Record<string, WorkloadKind | 'Pod'> = {
  pod: 'Pod',
  pods: 'Pod',
  po: 'Pod',
  deploy: 'Deployment',
  deployment: 'Deployment',
  deployments: 'Deployment',
  sts: 'StatefulSet',
  statefulset: 'StatefulSet',
  statefulsets: 'StatefulSet',
  ds: 'DaemonSet',
  daemonset: 'DaemonSet',
  daemonsets: 'DaemonSet',
  rs: 'ReplicaSet',
  replicaset: 'ReplicaSet',
  replicasets: 'ReplicaSet',
  job: 'Job',
  jobs: 'Job',
};

export interface ParsedTarget {
  namespace?: string;
  /** Set when the user named a kind ("deploy/api", "pod/api-1"). */
  kind?: WorkloadKind | 'Pod';
  name: string;
}

const DNS_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Parses "name", "ns/name", "kind/name", "ns/kind/name" (kind aliases as kubectl). Throws on malformed input. */
export function parseTarget(text: string, namespace?: string): ParsedTarget {
  const trimmed = text.trim().replace(/^<|>$/g, '');
  const parts = trimmed.split('/');
  if (parts.some((p) => p === '')) throw new Error(`"${text}" is not a target: empty name.`);
  let parsed: ParsedTarget;
  if (parts.length === 1) parsed = { name: parts[0] ?? '' };
  else if (parts.length === 2) {
    const [a = '', b = ''] = parts;
    const kind = KIND_ALIASES[a.toLowerCase()];
    parsed = kind ? { kind, name: b } : { namespace: a, name: b };
  } else if (parts.length === 3) {
    const [ns = '', k = '', name = ''] = parts;
    const kind = KIND_ALIASES[k.toLowerCase()];
    if (!kind) throw new Error(`"${text}" is not a target: use name, namespace/name or namespace/kind/name (kind: deploy, sts, ds, pod).`);
    parsed = { namespace: ns, kind, name };
  } else {
    throw new Error(`"${text}" is not a target: use a pod or workload name, optionally as namespace/name.`);
  }
  if (namespace !== undefined && namespace !== '' && parsed.namespace === undefined) parsed.namespace = namespace;
  if (!DNS_NAME.test(parsed.name)) throw new Error(`"${parsed.name}" is not a valid Kubernetes name (lowercase letters, digits, "-" and ".").`);
  if (parsed.namespace !== undefined && !DNS_NAME.test(parsed.namespace)) throw new Error(`"${parsed.namespace}" is not a valid namespace name.`);
  return parsed;
}

/** Levenshtein distance, bounded: returns max+1 as soon as the distance must exceed max. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Names close to `query`: a shared prefix, containment, or a small edit distance; closest first. */
export function suggestNames(query: string, names: Iterable<string>, limit = 5): string[] {
  const q = query.toLowerCase();
  const budget = Math.max(2, Math.floor(q.length / 3));
  const scored: { name: string; score: number }[] = [];
  for (const name of new Set(names)) {
    const n = name.toLowerCase();
    const bare = n.includes('/') ? n.slice(n.lastIndexOf('/') + 1) : n;
    let score: number | undefined;
    if (bare.startsWith(q) || q.startsWith(bare)) score = Math.abs(bare.length - q.length) / 100;
    else if (bare.includes(q)) score = 1;
    else {
      const whole = editDistance(q, bare, budget);
      const prefix = editDistance(q, bare.slice(0, q.length), budget);
      if (whole <= budget) score = 1 + whole;
      else if (prefix <= budget) score = 1.5 + prefix;
    }
    if (score !== undefined) scored.push({ name, score });
  }
  scored.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
  return scored.slice(0, limit).map((s) => s.name);
}

/** Glob match for namespace patterns: `*` any run, `?` one character. */
export function globMatch(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(value);
}

/** True when `namespace` is allowed; undefined or empty patterns allow everything. */
export function namespaceAllowed(namespace: string, allowed: string[] | undefined): boolean {
  if (allowed === undefined || allowed.length === 0) return true;
  return allowed.some((p) => globMatch(p, namespace));
}

/** Literal namespaces when every pattern is literal (so we can list them one by one), else undefined. */
export function literalNamespaces(allowed: string[] | undefined): string[] | undefined {
  if (allowed === undefined || allowed.length === 0) return undefined;
  return allowed.every((p) => !/[*?]/.test(p)) ? [...new Set(allowed)] : undefined;
}
