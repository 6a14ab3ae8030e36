// What changed: the pod-template diff between the two newest revisions of the owning workload,
// and whether the crashes began after the newest one. Env values are never read, only names.
import type { OwnerRef, RolloutChange, TemplateChange } from './types.ts';
import { arr, num, obj, str, type Context, type Obj } from './context.ts';

function ms(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const v = Date.parse(s);
  return Number.isFinite(v) ? v : undefined;
}

function stable(v: unknown, depth = 0): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'object') return str(v);
  if (depth > 12) return '…';
  if (Array.isArray(v)) return `[${v.map((x) => stable(x, depth + 1)).join(', ')}]`;
  const o = v as Obj;
  return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined && o[k] !== null).map((k) => `${k}: ${stable(o[k], depth + 1)}`).join(', ')}}`;
}

function containersOf(template: unknown): Map<string, Obj> {
  const spec = obj(obj(template).spec);
  const out = new Map<string, Obj>();
  for (const c of [...arr(spec.initContainers), ...arr(spec.containers)]) {
    const o = obj(c);
    const n = str(o.name);
    if (n !== '') out.set(n, o);
  }
  return out;
}

function envNames(c: Obj): string {
  const names = arr(c.env).map((e) => str(obj(e).name)).filter((n) => n !== '');
  const from = arr(c.envFrom).map((e) => {
    const o = obj(e);
    const ref = str(obj(o.configMapRef).name) || str(obj(o.secretRef).name);
    return ref ? `envFrom:${ref}` : '';
  }).filter((n) => n !== '');
  return [...names, ...from].sort().join(', ');
}

export function diffTemplates(before: unknown, after: unknown): TemplateChange[] {
  const a = containersOf(before);
  const b = containersOf(after);
  const changes: TemplateChange[] = [];
  for (const [name, cb] of b) {
    const ca = a.get(name);
    if (!ca) { changes.push({ field: 'container', container: name, before: '', after: `added (${str(cb.image)})` }); continue; }
    const fields: [string, (c: Obj) => string][] = [
      ['image', (c) => str(c.image)],
      ['command', (c) => stable(c.command)],
      ['args', (c) => stable(c.args)],
      ['env (names)', envNames],
      ['resources', (c) => stable(c.resources)],
      ['livenessProbe', (c) => stable(c.livenessProbe)],
      ['readinessProbe', (c) => stable(c.readinessProbe)],
      ['startupProbe', (c) => stable(c.startupProbe)],
      ['volumeMounts', (c) => stable(c.volumeMounts)],
      ['securityContext', (c) => stable(c.securityContext)],
    ];
    for (const [field, get] of fields) {
      const x = get(ca);
      const y = get(cb);
      if (x !== y) changes.push({ field, container: name, before: x, after: y });
    }
  }
  for (const [name, ca] of a) if (!b.has(name)) changes.push({ field: 'container', container: name, before: `present (${str(ca.image)})`, after: 'removed' });
  return changes;
}

export interface Revisions { newest: Obj; previous: Obj }

export function buildChange(snapshot: unknown, ctx: Context): RolloutChange | undefined {
  const snap = obj(snapshot);
  const revs = arr(snap.history).map(obj).filter((r) => num(r.revision) !== undefined)
    .sort((x, y) => (num(y.revision) ?? 0) - (num(x.revision) ?? 0));
  const newest = revs[0];
  const previous = revs[1];
  if (!newest || !previous) return undefined;
  const owners = arr(snap.owners).map(obj);
  const top = owners[owners.length - 1];
  const [wkind, wname] = (ctx.workload ?? '').split('/');
  const owner: OwnerRef = top && str(top.kind) && str(top.name)
    ? { kind: str(top.kind), name: str(top.name), namespace: ctx.namespace }
    : { kind: wkind ? wkind.charAt(0).toUpperCase() + wkind.slice(1) : 'Deployment', name: wname || str(newest.name), namespace: ctx.namespace };
  const changedAt = str(newest.createdAt) || undefined;
  const created = ms(changedAt);
  const firstCrash = firstCrashTime(ctx);
  const crashesBeganAfter = created !== undefined && firstCrash !== undefined && firstCrash >= created && podFromNewest(snap, newest);
  return {
    owner,
    fromRevision: num(previous.revision) ?? 0,
    toRevision: num(newest.revision) ?? 0,
    changedAt,
    changeCause: str(newest.changeCause) || undefined,
    changes: diffTemplates(previous.template, newest.template),
    crashesBeganAfter,
  };
}

/** The earliest sign of crashing: the first BackOff/Failed/Unhealthy event, else the last termination. */
function firstCrashTime(ctx: Context): number | undefined {
  const times: number[] = [];
  for (const c of ctx.containers.filter((x) => x.failing)) {
    for (const e of c.events) {
      if (/^(?:BackOff|Failed|Unhealthy|Killing)$/.test(e.reason)) {
        const t = ms(e.firstTimestamp) ?? ms(e.lastTimestamp);
        if (t !== undefined) times.push(t);
      }
    }
    const t = ms((c.terminated ?? c.last)?.finishedAt);
    if (t !== undefined) times.push(t);
  }
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** The crashing pod belongs to the newest revision (its ReplicaSet or controller-revision hash). */
function podFromNewest(snap: Obj, newest: Obj): boolean {
  const meta = obj(obj(snap.pod).metadata);
  const name = str(newest.name);
  const labels = obj(meta.labels);
  const hash = str(labels['pod-template-hash']) || str(labels['controller-revision-hash']);
  const refs = arr(meta.ownerReferences).map((r) => str(obj(r).name));
  if (refs.includes(name)) return true;
  if (hash !== '') return name.endsWith(hash) || hash.endsWith(name);
  return true;
}
