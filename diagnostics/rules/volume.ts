// volume-mount-failure: FailedMount / FailedAttachVolume / FailedMapVolume events, a missing PVC,
// unbound claims. ConfigMap and Secret volumes that are missing are config-ref-missing instead.
import type { Finding, Rule } from '../types.ts';
import { type Context, type EventCtx } from '../context.ts';
import { compact, eventEvidence, waitingEvidence } from '../evidence.ts';
import { failing, makeFinding } from '../finding.ts';
import { parseRef, stuckRefVolume } from './config-ref.ts';

const VOLUME_EVENT = /^(?:FailedMount|FailedAttachVolume|FailedMapVolume|FailedUnMount|FailedAttach)$/;
const VOLUME_MSG = /persistentvolumeclaim "[^"]+" not found|unbound immediate PersistentVolumeClaims|Multi-Attach error|MountVolume\.\w+ failed|AttachVolume\.\w+ failed|Unable to attach or mount volumes|timed out waiting for the condition|mount failed|driver name \S+ not found in the list of registered CSI drivers|volume node affinity conflict|didn't find available persistent volumes to bind|waiting for first consumer/;

function volumeName(e: EventCtx): string | undefined {
  return /volume "([^"]+)"/.exec(e.message)?.[1] ?? /unmounted volumes=\[([^\]\s]+)/.exec(e.message)?.[1] ?? /persistentvolumeclaim "([^"]+)"/.exec(e.message)?.[1];
}

// What the mount's own output says about an NFS (or other network filesystem) failure, in the words an SRE acts on.
interface MountHint { why: string; advice: string }

function mountHint(message: string): MountHint | undefined {
  const nfs = /mount -t (nfs4?|cifs|glusterfs|ceph)\b/.exec(message)?.[1] ?? (/\bnfs\b|mount\.nfs/i.test(message) ? 'nfs' : undefined);
  // The export as "server:/path" (an IP or a dotted host name before the colon), wherever the mount output names it.
  const target = /(?:^|\s)((?:\d{1,3}(?:\.\d{1,3}){3}|[\w-]+(?:\.[\w-]+)+):\/[^\s,;]*)/.exec(message)?.[1];
  const where = target ? ` ${target}` : '';
  const kind = nfs ? nfs.toUpperCase().replace('NFS4', 'NFS').replace('GLUSTERFS', 'GlusterFS').replace('CEPH', 'Ceph') : 'network filesystem';
  if (/wrong fs type, bad option, bad superblock|you might need a \/sbin\/mount\.<type> helper program|mount: unknown filesystem type|mount\.(?:nfs4?|cifs): not found|helper program/.test(message)) {
    const pkg = nfs === 'cifs' ? 'the CIFS client (cifs-utils)' : nfs === 'glusterfs' ? 'the GlusterFS client (glusterfs-fuse)' : nfs === 'ceph' ? 'the Ceph client (ceph-common)' : 'the NFS client (nfs-common on Debian/Ubuntu, nfs-utils on RHEL/Amazon Linux)';
    return { why: `the node has no mount helper for this filesystem (the ${kind} client is not installed)`,
      advice: `Install ${pkg} on every node that can run this pod: the kubelet mounts${where || ' the volume'} on the node itself, and mount failed there for lack of the helper ("wrong fs type … helper program").` };
  }
  if (/reason given by server: No such file or directory/.test(message)) {
    return { why: 'the exported path does not exist on the NFS server',
      advice: `Create the exported directory on the NFS server (or fix the path in the volume/PV):${where || ' the path'} does not exist there ("reason given by server: No such file or directory").` };
  }
  if (/access denied by server while mounting|Permission denied/.test(message) && nfs) {
    return { why: 'the NFS server refuses this node',
      advice: `Allow the node's address in the NFS server's exports (/etc/exports, then exportfs -ra) for${where || ' the export'}: the server answered "access denied" to the mount.` };
  }
  if (nfs && /Connection (?:timed out|refused)|No route to host|Network is unreachable|timed out/.test(message)) {
    return { why: 'the NFS server cannot be reached from the node',
      advice: `Make the NFS server${where ? ` of${where}` : ''} reachable from the node (server up, firewall open for 2049/TCP and rpcbind 111): the mount timed out or was refused.` };
  }
  return undefined;
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
  // The mount's own output may sit in an earlier event than the final "timeout expired" summary.
  const hint = mountHint(main.message) ?? [...specific].reverse().map((e) => mountHint(e.message)).find((h) => h !== undefined);
  const why = hint ? hint.why : /Multi-Attach error/.test(main.message) ? 'it is still attached to another node (Multi-Attach)'
    : /not found/.test(main.message) ? 'the claim or driver does not exist'
      : /unbound/.test(main.message) ? 'its PersistentVolumeClaim is not bound'
        : /timed out/.test(main.message) ? 'mounting timed out' : 'mounting failed';
  // Once the container has run, old mount errors do not explain its crashes.
  if (!blocked) return [];
  return [makeFinding(ctx, owner, 'volume-mount-failure', 0.9,
    `Volume ${vol ? `"${vol}" ` : ''}of pod ${ctx.podName} cannot be attached or mounted: ${why}`, ev, undefined, { subject: vol, advice: hint?.advice })];
}

export const volumeRule: Rule = { id: 'volume-mount-failure', evaluate: (ctx) => evaluate(ctx) };
