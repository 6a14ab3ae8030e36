// volume-mount-failure: FailedMount / FailedAttachVolume / FailedMapVolume events, a missing PVC,
// unbound claims. ConfigMap and Secret volumes that are missing are config-ref-missing instead.
import type { Finding, Rule } from '../types.ts';
import { contextOf, type Context, type EventCtx } from '../context.ts';
import { compact, eventEvidence, waitingEvidence } from '../evidence.ts';
import { failing, makeFinding } from '../finding.ts';
import { parseRef, stuckRefVolume } from './config-ref.ts';

const VOLUME_EVENT = /^(?:FailedMount|FailedAttachVolume|FailedMapVolume|FailedUnMount|FailedAttach)$/;
const VOLUME_MSG = /persistentvolumeclaim "[^"]+" not found|unbound immediate PersistentVolumeClaims|Multi-Attach error|MountVolume\.\w+ failed|AttachVolume\.\w+ failed|Unable to attach or mount volumes|timed out waiting for the condition|mount failed|driver name \S+ not found in the list of registered CSI drivers|volume node affinity conflict|didn't find available persistent volumes to bind|waiting for first consumer/;

function volumeName(e: EventCtx): string | undefined {
  return /volume "([^"]+)"/.exec(e.message)?.[1] ?? /unmounted volumes=\[([^\]\s]+)/.exec(e.message)?.[1] ?? /persistentvolumeclaim "([^"]+)"/.exec(e.message)?.[1];
}

function evaluate(ctx: Context): Finding[] {
  const events = ctx.events.filter((e) => (VOLUME_EVENT.test(e.reason) || (e.reason === 'FailedScheduling' && VOLUME_MSG.test(e.message))) && !parseRef(e.message));
  if (events.length === 0) return [];
  // Only a ConfigMap/Secret volume is stuck and nothing more specific is said: config-ref-missing's case.
  const stuck = stuckRefVolume(ctx);
  if (stuck && events.every((e) => /timed? ?out|timeout expired/.test(e.message))) return [];
  // The most telling event: the mount/attach error itself rather than the generic timeout.
  const specific = events.filter((e) => !/^Unable to attach or mount volumes/.test(e.message));
  const main = specific[specific.length - 1] ?? events[events.length - 1];
  if (!main) return [];
  const vol = volumeName(main) ?? events.map(volumeName).find((v) => v !== undefined);
  // Events name the pod volume, or the PV ("pvc-…") behind a claim: then the first container
  // (init containers first) that mounts a claim-backed volume is the one the mount blocks.
  const claimVolumes = new Set(ctx.volumes.filter((v) => !('configMap' in v) && !('secret' in v) && !('projected' in v) && !('emptyDir' in v) && !('downwardAPI' in v)).map((v) => String(v.name)));
  const owner = ctx.containers.find((c) => vol !== undefined && c.volumeMounts.some((m) => m.name === vol))
    ?? ctx.containers.find((c) => c.volumeMounts.some((m) => claimVolumes.has(m.name)))
    ?? failing(ctx)[0] ?? ctx.containers[0];
  if (!owner) return [];
  // Mount errors block container creation; when the container already runs and crashes they are old news.
  const blocked = !owner.runningSince && !owner.last && !owner.terminated;
  const ev = compact([waitingEvidence(owner), ...events.slice(-2).map(eventEvidence)]);
  const why = /Multi-Attach error/.test(main.message) ? 'it is still attached to another node (Multi-Attach)'
    : /not found/.test(main.message) ? 'the claim or driver does not exist'
      : /unbound/.test(main.message) ? 'its PersistentVolumeClaim is not bound'
        : /timed out/.test(main.message) ? 'mounting timed out' : 'mounting failed';
  // Once the container has run, old mount errors do not explain its crashes.
  if (!blocked) return [];
  return [makeFinding(ctx, owner, 'volume-mount-failure', 0.9,
    `Volume ${vol ? `"${vol}" ` : ''}of pod ${ctx.podName} cannot be attached or mounted: ${why}`, ev, undefined, { subject: vol })];
}

export const volumeRule: Rule = { id: 'volume-mount-failure', evaluate: (s) => evaluate(contextOf(s)) };
