// Which containers of a pod are failing, and how badly a pod is crash-looping. Pure, shared by capture
// (whose logs to read) and target resolution (which pod to pick).
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';

/** Waiting reasons that mean the container is not coming up. */
const BAD_WAITING = new Set([
  'CrashLoopBackOff',
  'RunContainerError',
  'CreateContainerError',
  'CreateContainerConfigError',
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'StartError',
]);

export interface ContainerRef {
  name: string;
  init: boolean;
  status?: V1ContainerStatus;
}

/** Every container of the pod (init first, in spec order) with its status when the kubelet reported one. */
export function containersOf(pod: V1Pod): ContainerRef[] {
  const initStatuses = new Map((pod.status?.initContainerStatuses ?? []).map((s) => [s.name, s]));
  const statuses = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  const refs: ContainerRef[] = [];
  for (const c of pod.spec?.initContainers ?? []) refs.push({ name: c.name, init: true, status: initStatuses.get(c.name) });
  for (const c of pod.spec?.containers ?? []) refs.push({ name: c.name, init: false, status: statuses.get(c.name) });
  return refs;
}

/** True when the container is crash-looping, failed to start, or has crashed before. */
export function isFailing(status: V1ContainerStatus | undefined): boolean {
  if (!status) return false;
  const waiting = status.state?.waiting?.reason;
  if (waiting && BAD_WAITING.has(waiting)) return true;
  if (isBackingOff(status)) return true;
  const terminated = status.state?.terminated;
  if (terminated && terminated.exitCode !== 0) return true;
  if ((status.restartCount ?? 0) > 0) return true;
  const last = status.lastState?.terminated;
  return last !== undefined && last.exitCode !== 0;
}

/**
 * True when the container is backing off: CrashLoopBackOff, or an older kubelet's free-text reason ("Back-off 5m0s
 * restarting failed container=…"). A container in back-off has run, whatever its restartCount/lastState say.
 */
export function isBackingOff(status: V1ContainerStatus | undefined): boolean {
  const w = status?.state?.waiting;
  return w !== undefined && /back-?off restarting|CrashLoopBackOff/i.test(`${w.reason ?? ''} ${w.message ?? ''}`);
}

/** True when the container ran at least once or is backing off, so it may have logs. */
export function hasRun(status: V1ContainerStatus | undefined): boolean {
  if (!status) return false;
  return status.state?.running !== undefined || status.state?.terminated !== undefined || status.lastState?.terminated !== undefined || (status.restartCount ?? 0) > 0 || isBackingOff(status);
}

/** The containers whose logs capture reads: the failing ones, or every container that ran when none is failing. */
export function containersToRead(pod: V1Pod, max = 8): ContainerRef[] {
  const all = containersOf(pod);
  const failing = all.filter((c) => isFailing(c.status));
  const chosen = failing.length > 0 ? failing : all.filter((c) => hasRun(c.status));
  return chosen.slice(0, max);
}

export interface CrashInfo {
  crashLooping: boolean;
  restarts: number;
  /** The worst container: the crash-looping one, else the one with the most restarts. */
  container?: string;
  reason?: string;
}

/** How badly the pod is crashing, for ranking candidates. */
export function crashInfo(pod: V1Pod): CrashInfo {
  let best: CrashInfo = { crashLooping: false, restarts: 0 };
  for (const c of containersOf(pod)) {
    const s = c.status;
    if (!s) continue;
    const restarts = s.restartCount ?? 0;
    const waiting = s.state?.waiting?.reason;
    const crashLooping = waiting === 'CrashLoopBackOff';
    const failing = isFailing(s);
    const reason = waiting ?? s.state?.terminated?.reason ?? s.lastState?.terminated?.reason;
    const candidate: CrashInfo = { crashLooping, restarts, container: c.name, reason };
    if (!failing) continue;
    if (best.container === undefined || crashScore(candidate) > crashScore(best)) best = candidate;
  }
  return best;
}

/** A sortable score: crash-looping first, then restart count. */
export function crashScore(info: CrashInfo): number {
  return (info.crashLooping ? 1_000_000 : 0) + (info.container !== undefined ? 1 : 0) + info.restarts;
}

/**
 * Whether the pod belongs in `/crashloop` with no argument: a container is crash-looping, cannot start, or
 * has exited with an error and is not back up. A ready container that restarted long ago does not count.
 */
export function isCrashing(pod: V1Pod): boolean {
  if (pod.status?.phase === 'Succeeded') return false;
  const podReady = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return containersOf(pod).some(({ status }) => {
    if (!status || !isFailing(status)) return false;
    const waiting = status.state?.waiting?.reason;
    if (waiting && BAD_WAITING.has(waiting)) return true;
    if (status.state?.terminated && status.state.terminated.exitCode !== 0) return true;
    // Between two crashes the container runs: it counts while it (or the pod) is not ready.
    return (status.restartCount ?? 0) > 0 && (!status.ready || podReady === 'False');
  });
}
