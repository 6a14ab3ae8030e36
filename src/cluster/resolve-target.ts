// Resolves what a user typed ("api-7d9f-x2", "prod/api", "deploy/api", "api") to one crashing pod.
import type { V1LabelSelector, V1Pod } from '@kubernetes/client-node';
import { ClusterError } from './types.ts';
import type { ClusterGateway, ResolveResult, TargetQuery, Workload, WorkloadKind } from './types.ts';
import { literalNamespaces, namespaceAllowed, parseTarget, suggestNames } from './names.ts';
import { crashInfo, crashScore, isCrashing } from './pod-health.ts';

const WORKLOAD_KINDS: WorkloadKind[] = ['Deployment', 'StatefulSet', 'DaemonSet'];
const MAX_CANDIDATES = 10;

/** Evaluates a LabelSelector against a label map. An empty selector matches nothing (as the API treats workloads). */
export function matchesSelector(labels: Record<string, string> | undefined, selector: V1LabelSelector | undefined): boolean {
  if (!selector) return false;
  const have = labels ?? {};
  const match = Object.entries(selector.matchLabels ?? {});
  const exprs = selector.matchExpressions ?? [];
  if (match.length === 0 && exprs.length === 0) return false;
  if (!match.every(([k, v]) => have[k] === v)) return false;
  return exprs.every((e) => {
    const value = have[e.key];
    switch (e.operator) {
      case 'In':
        return value !== undefined && (e.values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(e.values ?? []).includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
}

const podKey = (p: V1Pod) => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;

/** Pods sorted worst first: crash-looping, then restarts, then name. */
export function rankPods(pods: V1Pod[]): V1Pod[] {
  return [...pods].sort((a, b) => crashScore(crashInfo(b)) - crashScore(crashInfo(a)) || podKey(a).localeCompare(podKey(b)));
}

/** The workload a pod belongs to, for grouping replicas: ReplicaSet names lose their pod-template-hash. */
export function workloadKeyOf(pod: V1Pod): string {
  const ref = pod.metadata?.ownerReferences?.find((r) => r.controller) ?? pod.metadata?.ownerReferences?.[0];
  const ns = pod.metadata?.namespace ?? '';
  if (!ref) return `${ns}/Pod/${pod.metadata?.name ?? ''}`;
  if (ref.kind === 'ReplicaSet') {
    const hash = pod.metadata?.labels?.['pod-template-hash'];
    const base = hash && ref.name.endsWith(`-${hash}`) ? ref.name.slice(0, -hash.length - 1) : ref.name.replace(/-[a-z0-9]{5,10}$/, '');
    return `${ns}/Deployment/${base}`;
  }
  return `${ns}/${ref.kind}/${ref.name}`;
}

function describe(pod: V1Pod): string {
  const info = crashInfo(pod);
  if (info.container === undefined) return pod.status?.phase ?? 'no failing container';
  const reason = info.crashLooping ? 'CrashLoopBackOff' : (info.reason ?? 'failing');
  return `${reason}, ${info.restarts} restart${info.restarts === 1 ? '' : 's'} (container ${info.container})`;
}

function toPodResult(pod: V1Pod, via?: { kind: WorkloadKind; name: string }): ResolveResult {
  const result: ResolveResult = { kind: 'pod', namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '' };
  if (via) result.via = via;
  return result;
}

function ambiguous(pods: V1Pod[]): ResolveResult {
  return {
    kind: 'ambiguous',
    candidates: rankPods(pods).slice(0, MAX_CANDIDATES).map((p) => ({ namespace: p.metadata?.namespace ?? '', name: p.metadata?.name ?? '', reason: describe(p) })),
  };
}

/** Picks among pods: one crashing pod, or replicas of one workload, resolve; several workloads are ambiguous. */
function pick(pods: V1Pod[], via?: { kind: WorkloadKind; name: string }): ResolveResult {
  const crashing = pods.filter(isCrashing);
  const pool = crashing.length > 0 ? crashing : pods;
  const ranked = rankPods(pool);
  const first = ranked[0];
  if (!first) return { kind: 'not-found', suggestions: [], message: 'No pods matched.' };
  if (ranked.length === 1 || via) return toPodResult(first, via);
  const keys = new Set(ranked.map(workloadKeyOf));
  return keys.size === 1 ? toPodResult(first) : ambiguous(ranked);
}

async function listInScope<T>(scope: (string | undefined)[], list: (ns: string | undefined) => Promise<T[]>): Promise<T[]> {
  const results = await Promise.all(scope.map((ns) => list(ns)));
  return results.flat();
}

function scopeOf(namespace: string | undefined, allowed: string[] | undefined): (string | undefined)[] {
  if (namespace !== undefined) return [namespace];
  return literalNamespaces(allowed) ?? [undefined];
}

/** Resolves a target to one pod, several candidates, or not-found with suggestions. */
export async function resolveTarget(gateway: ClusterGateway, query: TargetQuery, signal?: AbortSignal): Promise<ResolveResult> {
  let parsed;
  try {
    parsed = parseTarget(query.text, query.namespace);
  } catch (err) {
    return { kind: 'not-found', suggestions: [], message: err instanceof Error ? err.message : String(err) };
  }
  const { namespace, kind, name } = parsed;
  const allowed = query.allowedNamespaces;
  if (namespace !== undefined && !namespaceAllowed(namespace, allowed)) {
    return { kind: 'not-found', suggestions: [], message: `Namespace "${namespace}" is not one this bot may look at (allowed: ${(allowed ?? []).join(', ')}).` };
  }
  const mayRead = query.mayRead ?? (() => true);
  if (namespace !== undefined && !mayRead(namespace)) {
    return { kind: 'not-found', suggestions: [], message: `Namespace "${namespace}" is not one you may look at (the actions policy).` };
  }
  // Fast path: a namespaced pod name is one GET.
  if (namespace !== undefined && (kind === undefined || kind === 'Pod')) {
    try {
      const pod = await gateway.getPod(namespace, name, signal);
      return toPodResult(pod);
    } catch (err) {
      if (!(err instanceof ClusterError && err.code === 'NOT_FOUND')) throw err;
    }
  }
  const scope = scopeOf(namespace, allowed);
  const inScope = (ns: string | undefined) => ns !== undefined && namespaceAllowed(ns, allowed) && mayRead(ns);
  // Fast path: an exact pod name in any namespace, filtered by the API server rather than listing every pod.
  if (namespace === undefined && (kind === undefined || kind === 'Pod')) {
    const exact = (await listInScope(scope, (ns) => gateway.listPods(ns, { fieldSelector: `metadata.name=${name}` }, signal))).filter(
      (p) => p.metadata?.name === name && inScope(p.metadata?.namespace),
    );
    if (exact.length === 1 && exact[0]) return toPodResult(exact[0]);
    if (exact.length > 1) return ambiguous(exact);
  }
  const pods = (await listInScope(scope, (ns) => gateway.listPods(ns, {}, signal))).filter((p) => inScope(p.metadata?.namespace));
  const kinds = kind === undefined ? WORKLOAD_KINDS : kind === 'Pod' ? [] : [kind];
  // Workload lists are best effort: a bot allowed to read pods but not apps/* still resolves pod names.
  const workloadLists = await Promise.allSettled(
    kinds.map(async (k) => (await listInScope(scope, (ns) => gateway.listWorkloads(ns, k, signal))).map((w) => ({ kind: k, workload: w }))),
  );
  const workloads: { kind: WorkloadKind; workload: Workload }[] = [];
  for (const r of workloadLists) if (r.status === 'fulfilled') workloads.push(...r.value.filter((w) => inScope(w.workload.metadata?.namespace)));
  for (const r of workloadLists) {
    if (r.status === 'rejected' && r.reason instanceof ClusterError && (r.reason.code === 'UNAVAILABLE' || r.reason.code === 'TIMEOUT')) throw r.reason;
  }

  if (kind === undefined || kind === 'Pod') {
    const exact = pods.filter((p) => p.metadata?.name === name);
    if (exact.length === 1 && exact[0]) return toPodResult(exact[0]);
    if (exact.length > 1) return ambiguous(exact);
  }
  const named = workloads.filter((w) => w.workload.metadata?.name === name);
  if (named.length > 0) {
    const results = named.map((w) => {
      const ns = w.workload.metadata?.namespace;
      const members = pods.filter((p) => p.metadata?.namespace === ns && matchesSelector(p.metadata?.labels, w.workload.spec?.selector));
      return { w, members };
    });
    const withPods = results.filter((r) => r.members.length > 0);
    if (withPods.length === 1 && withPods[0]) return pick(withPods[0].members, { kind: withPods[0].w.kind, name });
    if (withPods.length > 1) return ambiguous(withPods.flatMap((r) => rankPods(r.members).slice(0, 1)));
    const first = named[0];
    return { kind: 'not-found', suggestions: [], message: `${first?.kind ?? 'Workload'} "${name}" has no pods${first?.workload.metadata?.namespace ? ` in namespace ${first.workload.metadata.namespace}` : ''}. Is it scaled to zero?` };
  }
  if (kind === undefined || kind === 'Pod') {
    const prefixed = pods.filter((p) => (p.metadata?.name ?? '').startsWith(name));
    if (prefixed.length > 0) return pick(prefixed);
  }
  const label = (ns: string | undefined, n: string | undefined) => (namespace === undefined && ns ? `${ns}/${n ?? ''}` : (n ?? ''));
  const names = [
    ...pods.map((p) => label(p.metadata?.namespace, p.metadata?.name)),
    ...workloads.map((w) => label(w.workload.metadata?.namespace, w.workload.metadata?.name)),
  ];
  const suggestions = suggestNames(name, names);
  const where = namespace !== undefined ? ` in namespace ${namespace}` : allowed?.length ? ` in namespaces ${allowed.join(', ')}` : ' in any namespace';
  const what = kind && kind !== 'Pod' ? kind : 'pod or workload';
  const hint = suggestions.length > 0 ? ` Did you mean: ${suggestions.join(', ')}?` : '';
  return { kind: 'not-found', suggestions, message: `No ${what} named "${name}"${where}.${hint}` };
}

export interface CrashingPod {
  namespace: string;
  name: string;
  container?: string;
  restarts: number;
  reason?: string;
  crashLooping: boolean;
}

/** Every crashing pod the caller may see, worst first: for `/crashloop` with no argument. */
export async function listCrashingPods(gateway: ClusterGateway, allowedNamespaces?: string[], signal?: AbortSignal): Promise<CrashingPod[]> {
  const scope = scopeOf(undefined, allowedNamespaces);
  const pods = await listInScope(scope, (ns) => gateway.listPods(ns, {}, signal));
  return rankPods(pods.filter((p) => namespaceAllowed(p.metadata?.namespace ?? '', allowedNamespaces) && isCrashing(p))).map((p) => {
    const info = crashInfo(p);
    const entry: CrashingPod = { namespace: p.metadata?.namespace ?? '', name: p.metadata?.name ?? '', restarts: info.restarts, crashLooping: info.crashLooping };
    if (info.container !== undefined) entry.container = info.container;
    if (info.reason !== undefined) entry.reason = info.reason;
    return entry;
  });
}
