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

// Kubernetes' own rules (apimachinery validation), the one check every entry point shares: slash
// command, buttons, Alertmanager labels, CLI, and the gateway itself before any request.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const MAX_LABEL_LENGTH = 63;
export const MAX_SUBDOMAIN_LENGTH = 253;

/** namespace and container: DNS-1123 labels; object (pod, workload): DNS-1123 subdomains. */
export type NameKind = 'namespace' | 'object' | 'container';

export function isDnsLabel(value: string): boolean {
  return value.length <= MAX_LABEL_LENGTH && DNS_LABEL.test(value);
}

export function isDnsSubdomain(value: string): boolean {
  return value.length <= MAX_SUBDOMAIN_LENGTH && DNS_SUBDOMAIN.test(value);
}

export function isValidName(kind: NameKind, value: string): boolean {
  return kind === 'object' ? isDnsSubdomain(value) : isDnsLabel(value);
}

function isControl(c: string): boolean {
  const code = c.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f;
}

/** True when `value` holds a control character (C0 or DEL). */
export function hasControlCharacter(value: string): boolean {
  for (const c of value) if (isControl(c)) return true;
  return false;
}

/** A name as shown back to the user: never more than 60 characters of what they typed. */
export function shownName(value: string): string {
  const flat = Array.from(value.slice(0, 200), (c) => (isControl(c) || c === '`' ? '?' : c)).join('');
  return flat.length <= 60 ? flat : `${flat.slice(0, 40)}… (${value.length} characters)`;
}

const RULES: Record<NameKind, string> = {
  namespace: 'a namespace name is at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit',
  container: 'a container name is at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit',
  object: 'a pod or workload name is at most 253 lower-case letters, digits, "-" and ".", starting and ending with a letter or digit',
};

/** Why `value` is not a valid `kind` name, as a sentence for the user; undefined when it is valid. */
export function nameProblem(kind: NameKind, value: string): string | undefined {
  if (isValidName(kind, value)) return undefined;
  return `\`${shownName(value)}\` is not a valid Kubernetes ${kind === 'object' ? 'name' : `${kind} name`}: ${RULES[kind]}.`;
}

/** Thrown before any API request that would carry an invalid name. */
export class InvalidNameError extends Error {
  readonly kind: NameKind;
  constructor(kind: NameKind, value: string) {
    super(nameProblem(kind, value) ?? `invalid ${kind} name`);
    this.name = 'InvalidNameError';
    this.kind = kind;
  }
}

export function assertValidName(kind: NameKind, value: string): void {
  if (!isValidName(kind, value)) throw new InvalidNameError(kind, value);
}

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
  assertValidName('object', parsed.name);
  if (parsed.namespace !== undefined) assertValidName('namespace', parsed.namespace);
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
