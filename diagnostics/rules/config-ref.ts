// config-ref-missing: the pod references a ConfigMap, Secret or key that does not exist. The
// kubelet says so in the waiting reason CreateContainerConfigError, in "Failed" events, or in
// FailedMount events for configMap/secret volumes.
import type { Evidence, Finding, Fix, Rule } from '../types.ts';
import { type Context, type ContainerCtx, type EventCtx } from '../context.ts';
import { compact, eventEvidence, waitingEvidence } from '../evidence.ts';
import { failing, makeFinding } from '../finding.ts';
import { command, describePod, names } from '../fix-commands.ts';
import { kubeName } from '../shell.ts';

interface Ref { refKind: 'ConfigMap' | 'Secret'; refName: string; key?: string }

const REF_RE = /(configmaps?|secrets?) "([^"]+)" not found/i;
const KEY_RE = /couldn't find key ([^\s]+) in (ConfigMap|Secret) ([^\s/]+)\/([^\s"]+)/i;
const NONEXISTENT_KEY_RE = /(configmap|secret) references non-existent (?:config|secret) key: (\S+)/i;

export function parseRef(message: string): Ref | undefined {
  const k = KEY_RE.exec(message);
  if (k) return { refKind: k[2]?.toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap', refName: k[4] ?? '', key: k[1] };
  const n = NONEXISTENT_KEY_RE.exec(message);
  if (n) return { refKind: n[1]?.toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap', refName: '', key: n[2] };
  const r = REF_RE.exec(message);
  if (r) return { refKind: r[1]?.toLowerCase().startsWith('secret') ? 'Secret' : 'ConfigMap', refName: r[2] ?? '' };
  return undefined;
}

const UNMOUNTED_RE = /unmounted volumes=\[([^\]]*)\]|volume "([^"]+)"/;

export function refOfVolume(v: Record<string, unknown>): Ref | undefined {
  const cm = v.configMap as { name?: unknown; optional?: unknown } | undefined;
  if (cm && typeof cm.name === 'string' && cm.optional !== true) return { refKind: 'ConfigMap', refName: cm.name };
  const sec = v.secret as { secretName?: unknown; optional?: unknown } | undefined;
  if (sec && typeof sec.secretName === 'string' && sec.optional !== true) return { refKind: 'Secret', refName: sec.secretName };
  return undefined;
}

/** A FailedMount/FailedSync timeout whose unmounted volume is a ConfigMap or Secret volume. */
export function stuckRefVolume(ctx: Context): { volume: string; ref: Ref; event: EventCtx } | undefined {
  for (const e of [...ctx.events].reverse()) {
    if (!/^(?:FailedMount|FailedSync)$/.test(e.reason)) continue;
    const m = UNMOUNTED_RE.exec(e.message);
    const names = (m?.[1] ?? m?.[2] ?? '').split(/[\s,]+/).filter((n) => n !== '');
    for (const n of names) {
      const v = ctx.volumes.find((x) => x.name === n);
      const ref = v ? refOfVolume(v) : undefined;
      if (ref) return { volume: n, ref, event: e };
    }
  }
  return undefined;
}

function mountsVolumeFromEvent(c: ContainerCtx, e: EventCtx): boolean {
  const vol = /volume "([^"]+)"/.exec(e.message)?.[1];
  return vol !== undefined && c.volumeMounts.some((m) => m.name === vol);
}

function evaluate(ctx: Context): Finding[] {
  const out: Finding[] = [];
  // Pod-level events (FailedMount of a configMap/secret volume) belong to the container that
  // mounts the volume, else to the first failing or first container: one finding, not one per container.
  const podRefEvents = ctx.podEvents.filter((e) => /^(?:Failed|FailedMount|FailedCreatePodContainer)$/.test(e.reason) && parseRef(e.message));
  const lastPodEvent = podRefEvents[podRefEvents.length - 1];
  const podEventOwner = lastPodEvent
    ? (ctx.containers.find((c) => mountsVolumeFromEvent(c, lastPodEvent)) ?? failing(ctx)[0] ?? ctx.containers[0])
    : undefined;
  // Older kubelets only say a volume timed out; when that volume is a ConfigMap or Secret, the
  // missing object is by far the likeliest reason (the kubelet retries until it exists).
  const stuck = stuckRefVolume(ctx);
  if (!lastPodEvent && stuck) {
    const owner = ctx.containers.find((c) => c.volumeMounts.some((m) => m.name === stuck.volume)) ?? ctx.containers[0];
    // Only while the volume blocks the container: once it ran, the timeout is history.
    if (owner && !owner.runningSince && !owner.last && !owner.terminated) {
      out.push(makeFinding(ctx, owner, 'config-ref-missing', 0.8,
        `${stuck.ref.refKind} "${stuck.ref.refName}" (volume "${stuck.volume}") cannot be mounted: check that it exists in namespace ${ctx.namespace}`,
        compact([waitingEvidence(owner), eventEvidence(stuck.event)]),
        refFix(ctx, stuck.ref)));
    }
  }
  const candidates = [...failing(ctx)];
  if (podEventOwner && !candidates.includes(podEventOwner)) candidates.push(podEventOwner);
  for (const c of candidates) {
    const w = c.waiting;
    const evidence: Evidence[] = [];
    let ref: Ref | undefined;
    let confidence = 0;
    if (w?.reason === 'CreateContainerConfigError') {
      ref = parseRef(w.message);
      const we = waitingEvidence(c);
      if (we) evidence.push(we);
      if (ref) confidence = 0.97;
      else if (/runAsNonRoot|non-numeric user|run as root/i.test(w.message)) {
        out.push(makeFinding(ctx, c, 'permission-denied', 0.95, `"${c.name}" cannot start: ${w.message}`, evidence, {
          kind: 'fix-permissions',
          summary: `Set a numeric non-root user for ${c.name} (runAsUser), or build the image with a numeric USER.`,
          steps: ['runAsNonRoot requires the image USER to be numeric and non-zero.', 'Set securityContext.runAsUser to the uid the image expects.'],
          commands: [describePod(ctx)],
          snippet: 'securityContext:\n  runAsNonRoot: true\n  runAsUser: 1000\n  runAsGroup: 1000',
        }));
        continue;
      } else if (/subPath/i.test(w.message)) {
        out.push(makeFinding(ctx, c, 'volume-mount-failure', 0.9, `"${c.name}" cannot start: ${w.message}`, evidence, undefined, {}));
        continue;
      } else confidence = /secret|configmap/i.test(w.message) ? 0.9 : 0.6;
    }
    const own = c.events.filter((e) => /^(?:Failed|FailedMount|FailedCreatePodContainer)$/.test(e.reason) && parseRef(e.message));
    const e = own[own.length - 1] ?? (c === podEventOwner ? lastPodEvent : undefined);
    if (e) {
      ref ??= parseRef(e.message);
      evidence.push(eventEvidence(e));
      confidence = Math.max(confidence, e.reason === 'FailedMount' ? 0.92 : 0.9);
    }
    if (confidence === 0) continue;
    const title = ref
      ? `${ref.refKind} "${ref.refName}"${ref.key ? ` has no key "${ref.key}"` : ' does not exist'} in namespace ${ctx.namespace}, so "${c.name}" cannot be created`
      : `"${c.name}" cannot be created: ${w?.message ?? 'a referenced ConfigMap or Secret is missing'}`;
    out.push(makeFinding(ctx, c, 'config-ref-missing', confidence, title, evidence, refFix(ctx, ref)));
  }
  return out;
}

function refFix(ctx: Context, ref: Ref | undefined): Fix {
  const kindLower = ref?.refKind === 'Secret' ? 'secret' : 'configmap';
  // Names and keys in commands come from event text: only valid ones are pasted.
  const refName = kubeName(ref?.refName, '<name>');
  const refKey = ref?.key !== undefined && /^[-._a-zA-Z0-9]{1,253}$/.test(ref.key) ? ref.key : '<key>';
  const ns = names(ctx).ns;
  return {
    kind: 'create-reference', refKind: ref?.refKind ?? 'ConfigMap', refName: ref?.refName ?? '<name>', key: ref?.key,
    summary: ref
      ? `Create ${ref.refKind} ${ref.refName}${ref.key ? ` with key ${ref.key}` : ''} in namespace ${ctx.namespace}, or fix the reference in the pod spec (or mark it optional: true).`
      : 'Create the referenced ConfigMap or Secret, or fix the reference in the pod spec.',
    steps: ['Check the exact name and namespace of the reference (names are case-sensitive; Secrets are not shared across namespaces).', 'Create it, or mark the reference optional if the app can run without it.'],
    commands: [
      command(`Check that the ${ref?.refKind ?? 'object'} exists`, ['kubectl', 'get', kindLower, refName, '-n', ns, ...(ref?.key ? ['-o', 'jsonpath={.data}'] : [])]),
      describePod(ctx),
      ref?.refKind === 'Secret'
        ? command('Create it', ['kubectl', 'create', 'secret', 'generic', refName, '-n', ns, `--from-literal=${refKey}=<value>`])
        : command('Create it', ['kubectl', 'create', 'configmap', refName, '-n', ns, `--from-literal=${refKey}=<value>`]),
    ],
  };
}

export const configRefRule: Rule = { id: 'config-ref-missing', evaluate: (ctx) => evaluate(ctx) };
