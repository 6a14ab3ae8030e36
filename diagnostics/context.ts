// Defensive normalization: whatever `diagnose` receives, rules see a well-typed Context.
// Nothing here trusts the input's types; every field is read through the small readers below.
import type { ContainerType, Snapshot } from './types.ts';
import { arr, num, obj, optStr, str, strList, type Obj } from './read.ts';
import { attributeEvents, normalizeEvent } from './context-events.ts';
import { decodedErlangBinaries } from './erlang-binary.ts';

export { arr, num, obj, optStr, str, type Obj } from './read.ts';

export interface Termination {
  exitCode?: number;
  signal?: number;
  reason: string;
  message: string;
  startedAt?: string;
  finishedAt?: string;
  /** Evidence source, e.g. "status.containerStatuses[api].lastState.terminated". */
  source: string;
}

export interface EventCtx {
  reason: string;
  message: string;
  type: string;
  count: number;
  fieldPath: string;
  /** Container named by involvedObject.fieldPath, when any. */
  container?: string;
  kind: string;
  firstTimestamp?: string;
  lastTimestamp?: string;
}

export interface LogLine {
  text: string;
  /** 1-based line number within its stream. */
  line: number;
  source: string;
}

export interface ContainerCtx {
  name: string;
  type: ContainerType;
  image?: string;
  restartCount: number;
  ready?: boolean;
  waiting?: { reason: string; message: string };
  runningSince?: string;
  /** state.terminated (current). */
  terminated?: Termination;
  /** lastState.terminated (previous instance). */
  last?: Termination;
  command: string[];
  args: string[];
  envNames: string[];
  /** Env entries set to an empty string (or to nothing at all, with no valueFrom): "set but empty". */
  emptyEnv: string[];
  /** spec ports (containerPort, with its name when it has one). */
  ports: { name?: string; port: number }[];
  memoryLimit?: string;
  memoryRequest?: string;
  hasLiveness: boolean;
  hasStartup: boolean;
  probes: Record<'liveness' | 'startup' | 'readiness', Record<string, unknown> | undefined>;
  volumeMounts: { name: string; mountPath: string }[];
  /** Logs of the crashed instance (previous, else current), then terminated.message lines. */
  logLines: LogLine[];
  /**
   * What capture says about the logs: 'text' (read, something in them), 'empty' (read, and the container wrote
   * nothing: a string '' in the snapshot) or 'unread' (null or absent: never read, no instance, or the read failed).
   * Only 'empty' lets a report say "it wrote no logs".
   */
  logsRead: 'text' | 'empty' | 'unread';
  events: EventCtx[];
  failing: boolean;
  /** The pod status had an entry for this container. */
  hasStatus: boolean;
  /** Higher means more clearly the failing container. */
  failRank: number;
}

export interface Context {
  namespace: string;
  podName: string;
  phase?: string;
  podReason?: string;
  podMessage?: string;
  nodeName?: string;
  restartPolicy: string;
  /** spec.hostNetwork: the pod shares the node's network namespace, so its ports are the node's. */
  hostNetwork: boolean;
  /** spec.terminationGracePeriodSeconds (30 when unset): how long a SIGTERM'd container gets before SIGKILL. */
  gracePeriod: number;
  /** spec.serviceAccountName ("default" when unset): who the pod is to the Kubernetes API. */
  serviceAccount: string;
  capturedAt?: string;
  containers: ContainerCtx[];
  events: EventCtx[];
  /** Events that name no container (pod-level: FailedMount, FailedScheduling …). */
  podEvents: EventCtx[];
  nodeConditions: { type: string; status: string; reason: string; message: string }[];
  volumes: Record<string, unknown>[];
  /** The top owner as a kubectl resource ("deployment/api"), when known. */
  workload?: string;
}

/** Caps that keep pathological inputs (huge logs) fast: only the tail of a log is read. */
const MAX_LOG_CHARS = 128 * 1024;
const MAX_LOG_LINES = 1000;
const MAX_LINE_CHARS = 4000;

function splitLog(text: string, source: string): LogLine[] {
  const tail = text.length > MAX_LOG_CHARS ? text.slice(text.length - MAX_LOG_CHARS) : text;
  const raw = tail.split(/\r?\n/);
  const offset = Math.max(0, raw.length - MAX_LOG_LINES);
  const out: LogLine[] = [];
  for (let i = offset; i < raw.length; i++) {
    // Cut first, then trim: every pattern below only ever sees a bounded line (hostile logs write megabyte lines).
    const line = raw[i] ?? '';
    const t = (line.length > MAX_LINE_CHARS ? line.slice(0, MAX_LINE_CHARS) : line).trimEnd();
    if (t.trim() === '') continue;
    out.push({ text: t, line: i + 1, source });
    // A message printed as an Erlang byte list follows its line in readable form (same line number).
    for (const d of decodedErlangBinaries(t)) out.push({ text: d.length > MAX_LINE_CHARS ? d.slice(0, MAX_LINE_CHARS) : d, line: i + 1, source: `${source} (Erlang binary decoded)` });
  }
  return out;
}

function termination(v: unknown, source: string): Termination | undefined {
  const t = obj(v);
  if (Object.keys(t).length === 0) return undefined;
  return {
    exitCode: num(t.exitCode),
    signal: num(t.signal),
    reason: str(t.reason),
    message: str(t.message),
    startedAt: optStr(t.startedAt),
    finishedAt: optStr(t.finishedAt),
    source,
  };
}

export const ERROR_WAITING_REASONS = new Set([
  'CrashLoopBackOff', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError',
  'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable',
  'ImageInspectError', 'StartError', 'ContainerCannotRun', 'PreStartHookError', 'PostStartHookError', 'PreCreateHookError',
]);

export function buildContext(input: unknown): Context {
  const snap = obj(input);
  // Tolerate hand-made snapshots: a bare Pod, an events List ({items}), logs given as strings.
  const bare = snap.pod === undefined && (str(snap.kind) === 'Pod' || (snap.spec !== undefined && snap.status !== undefined));
  const pod = bare ? snap : obj(snap.pod);
  const meta = obj(pod.metadata);
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  const restartPolicy = str(spec.restartPolicy) || 'Always';
  const rawEvents = Array.isArray(snap.events) ? snap.events : arr(obj(snap.events).items);
  const events = rawEvents.map(normalizeEvent).filter((e): e is EventCtx => e !== undefined);
  const logs = obj(snap.logs);

  const statusByName = new Map<string, Obj>();
  for (const key of ['initContainerStatuses', 'containerStatuses', 'ephemeralContainerStatuses']) {
    for (const s of arr(status[key])) {
      const so = obj(s);
      const n = str(so.name);
      if (n !== '' && !statusByName.has(`${key}/${n}`)) statusByName.set(`${key}/${n}`, so);
    }
  }

  const containers: ContainerCtx[] = [];
  const seen = new Set<string>();
  const add = (specC: Obj, statusKey: string, kind: 'init' | 'main' | 'ephemeral') => {
    const name = str(specC.name);
    if (name === '' || seen.has(`${kind}/${name}`)) return;
    seen.add(`${kind}/${name}`);
    const rawStatus = statusByName.get(`${statusKey}/${name}`);
    const st = rawStatus ?? {};
    const type: ContainerType = kind === 'init' && str(specC.restartPolicy) === 'Always' ? 'sidecar' : kind;
    const state = obj(st.state);
    const lastState = obj(st.lastState);
    const srcBase = `status.${statusKey}[${name}]`;
    const waitingObj = obj(state.waiting);
    const waiting = Object.keys(waitingObj).length > 0 ? { reason: str(waitingObj.reason), message: str(waitingObj.message) } : undefined;
    const res = obj(specC.resources);
    const cl = typeof logs[name] === 'string' ? { previous: logs[name], current: null } : obj(logs[name]);
    const prev = typeof cl.previous === 'string' ? cl.previous : '';
    const cur = typeof cl.current === 'string' ? cl.current : '';
    const terminated = termination(state.terminated, `${srcBase}.state.terminated`);
    const last = termination(lastState.terminated, `${srcBase}.lastState.terminated`);
    // The crashed instance: the current one when it has just terminated, else the previous one.
    const useCurrent = (terminated !== undefined && cur !== '') || prev === '';
    const logLines = useCurrent ? splitLog(cur, `logs/${name} current`) : splitLog(prev, `logs/${name} previous`);
    const logsRead = logLines.length > 0 ? 'text' : typeof cl.previous === 'string' || typeof cl.current === 'string' ? 'empty' : 'unread';
    const latest = terminated ?? last;
    const tmsg = latest?.message ?? '';
    if (tmsg !== '') logLines.push(...splitLog(tmsg, `${latest?.source ?? srcBase}.message`));
    const probe = (k: string) => (Object.keys(obj(specC[k])).length > 0 ? obj(specC[k]) : undefined);
    containers.push({
      name,
      type,
      image: optStr(specC.image) ?? optStr(st.image),
      restartCount: num(st.restartCount) ?? 0,
      ready: typeof st.ready === 'boolean' ? st.ready : undefined,
      waiting,
      runningSince: optStr(obj(state.running).startedAt),
      terminated,
      last,
      command: strList(specC.command),
      args: strList(specC.args),
      envNames: arr(specC.env).map((e) => str(obj(e).name)).filter((s) => s !== ''),
      emptyEnv: arr(specC.env).map(obj).filter((e) => e.valueFrom === undefined && str(e.value).trim() === '').map((e) => str(e.name)).filter((s) => s !== ''),
      ports: arr(specC.ports).map(obj).flatMap((p) => {
        const port = num(p.containerPort);
        return port === undefined ? [] : [{ port, ...(optStr(p.name) ? { name: str(p.name) } : {}) }];
      }),
      memoryLimit: optStr(obj(res.limits).memory),
      memoryRequest: optStr(obj(res.requests).memory),
      hasLiveness: probe('livenessProbe') !== undefined,
      hasStartup: probe('startupProbe') !== undefined,
      probes: { liveness: probe('livenessProbe'), startup: probe('startupProbe'), readiness: probe('readinessProbe') },
      volumeMounts: arr(specC.volumeMounts).map((m) => ({ name: str(obj(m).name), mountPath: str(obj(m).mountPath) })),
      logLines,
      logsRead,
      events: events.filter((e) => e.container === name),
      failing: false,
      hasStatus: rawStatus !== undefined,
      failRank: 0,
    });
  };
  for (const c of arr(spec.initContainers)) add(obj(c), 'initContainerStatuses', 'init');
  for (const c of arr(spec.containers)) add(obj(c), 'containerStatuses', 'main');
  // Statuses without a spec (trimmed snapshots) still describe a container.
  for (const [key, so] of statusByName) {
    const [statusKey] = key.split('/');
    const kind = statusKey === 'initContainerStatuses' ? 'init' : statusKey === 'containerStatuses' ? 'main' : 'ephemeral';
    add({ name: so.name, image: so.image }, statusKey ?? 'containerStatuses', kind);
  }
  // Logs of containers that appear nowhere else.
  if (containers.length === 0) for (const n of Object.keys(logs)) add({ name: n }, 'containerStatuses', 'main');

  attributeEvents(events, containers);
  for (const c of containers) rankFailing(c, restartPolicy);
  const podEvents = events.filter((e) => e.container === undefined);
  blameWarningEvents(containers, podEvents, str(status.phase));

  const node = obj(snap.node);
  return {
    namespace: str(meta.namespace) || 'default',
    podName: str(meta.name) || 'unknown-pod',
    hostNetwork: spec.hostNetwork === true,
    gracePeriod: num(spec.terminationGracePeriodSeconds) ?? 30,
    phase: optStr(status.phase),
    podReason: optStr(status.reason),
    podMessage: optStr(status.message),
    nodeName: optStr(spec.nodeName) ?? optStr(node.name),
    restartPolicy,
    serviceAccount: str(spec.serviceAccountName) || str(spec.serviceAccount) || 'default',
    capturedAt: optStr(snap.capturedAt),
    containers,
    events,
    podEvents,
    nodeConditions: arr(node.conditions).map((c) => {
      const o = obj(c);
      return { type: str(o.type), status: str(o.status), reason: str(o.reason), message: str(o.message) };
    }),
    volumes: arr(spec.volumes).map(obj),
    workload: workloadOf(snap.owners, meta.ownerReferences),
  };
}

function workloadOf(owners: unknown, ownerRefs: unknown): string | undefined {
  const chain = arr(owners).map(obj).filter((o) => str(o.kind) !== '' && str(o.name) !== '');
  const top = chain[chain.length - 1];
  if (top) return `${str(top.kind).toLowerCase()}/${str(top.name)}`;
  const ref = obj(arr(ownerRefs)[0]);
  const kind = str(ref.kind);
  const name = str(ref.name);
  if (kind === '' || name === '') return undefined;
  // A ReplicaSet named <deployment>-<pod-template-hash> belongs to that Deployment.
  const rs = /^(.+)-[a-z0-9]{6,10}$/.exec(name);
  if (kind === 'ReplicaSet' && rs?.[1]) return `deployment/${rs[1]}`;
  return `${kind.toLowerCase()}/${name}`;
}

// Waiting reasons that are a container's normal way up, not a failure.
const BENIGN_WAITING = /^(?:ContainerCreating|PodInitializing|Pending|Waiting)?$/;
// Older kubelets (and transcriptions of them) put free text in the reason: "Back-off 5m0s restarting failed
// container=api …", "Error: failed to start container", "Failed to pull image". Any such wording is a failure.
const FAILURE_WORDS = /back-?off|crash|err|fail|invalid|cannot|can't|unable|denied|not found|killed|oom/i;

/** A termination that is a crash: a non-zero exit, a kill signal or an error-shaped reason. */
export function isCrash(t: Termination | undefined): boolean {
  if (!t) return false;
  return (t.exitCode !== undefined && t.exitCode !== 0) || (t.signal !== undefined && t.signal !== 0) || /OOMKilled|Error|ContainerCannotRun|StartError|DeadlineExceeded/.test(t.reason);
}

// An init container still running a wait loop on a name it cannot find (`until nslookup db; do echo waiting for db`):
// the pod never gets past Init although nothing exits. Its repeated wait lines are the evidence.
const WAIT_LOOP = /\bwaiting for\b|can't resolve|bad address|\bNXDOMAIN\b|could not resolve|no such host|not (?:yet )?(?:ready|available|found)|connection refused|Name or service not known|Name does not resolve|Temporary failure in name resolution/i;
// A wait that failed (not just "waiting"): the name does not resolve, the port refuses.
const FAILED_WAIT = /can't resolve|bad address|\bNXDOMAIN\b|could not resolve|no such host|Name or service not known|Name does not resolve|Temporary failure in name resolution|connection refused|getaddrinfo/i;

function waitLoop(c: ContainerCtx): boolean {
  if (!c.runningSince || c.terminated !== undefined) return false;
  const tail = c.logLines.slice(-12);
  const waits = tail.filter((l) => WAIT_LOOP.test(l.text)).length;
  // A main container whose entrypoint waits (`while ! nc -z mysql 3306; do echo waiting…`) is stuck the same way,
  // but only a loop of failed waits counts there, and only while it is not ready.
  if (c.type !== 'init') return c.ready === false && waits >= 4 && tail.filter((l) => FAILED_WAIT.test(l.text)).length >= 2;
  // status.ready of an init container means "completed"; while it loops it is running and not done.
  // Its own command is a wait loop (`until …; do …; done`, `while ! …`): one failed wait in the logs is enough.
  const loops = /\buntil\b|\bwhile\b/.test([...c.command, ...c.args].join(' '));
  return waits >= 3 || (loops && waits >= 1);
}

function rankFailing(c: ContainerCtx, restartPolicy: string): void {
  let rank = 0;
  const w = c.waiting?.reason ?? '';
  if (ERROR_WAITING_REASONS.has(w)) rank = 3;
  else if (!BENIGN_WAITING.test(w) && FAILURE_WORDS.test(`${w} ${c.waiting?.message ?? ''}`)) rank = 3;
  const t = c.terminated;
  if (t && (t.exitCode ?? 0) !== 0 && c.type !== 'ephemeral') rank = Math.max(rank, 2);
  if (t && t.exitCode === 0 && c.type === 'main' && restartPolicy === 'Always') rank = Math.max(rank, 2);
  // Caught between two crashes: running again, its last run a crash. Not ready yet, it is as failing as in back-off.
  if (c.last && (c.restartCount > 0 || isCrash(c.last))) rank = Math.max(rank, c.runningSince && (c.ready !== false || !isCrash(c.last)) ? 1 : 2);
  // A transcription without container statuses: the logs are all there is to go on.
  if (rank === 0 && !c.hasStatus && c.logLines.length > 0) rank = 1;
  if (rank === 0 && c.events.some((e) => e.reason === 'BackOff' || /failed liveness probe|failed startup probe/.test(e.message))) rank = 1;
  if (rank === 0 && c.events.some((e) => e.type === 'Warning' && !BENIGN_WARNING.test(`${e.reason} ${e.message}`))) rank = 1;
  if (rank === 0 && waitLoop(c)) rank = 1;
  // Restarted, with the last termination trimmed from the status: not ready now, or restarted again and again, it fails.
  if (rank === 0 && !c.last && c.restartCount > 0 && (c.ready === false || c.restartCount >= 3)) rank = 1;
  // An init container that finally completed is done, whatever it went through before.
  if (c.type === 'init' && t?.exitCode === 0 && !c.waiting) rank = 0;
  // A failing init container blocks everything after it: it is the one to name.
  if (rank > 0 && c.type === 'init') rank += 1;
  c.failing = rank > 0;
  c.failRank = rank * 1000 + Math.min(c.restartCount, 999);
}

// Warnings that do not explain a failing pod: readiness (the container is up), scheduling niceties, DNS config
// chatter, throttled image pulls that then succeeded.
const BENIGN_WARNING = /^(?:Unhealthy Readiness|DNSConfigForming|FailedToUpdateEndpoint|NodeNotReady|FailedGetResourceMetric|FailedComputeMetricsReplicas|ProbeWarning)\b/;
const POD_FAILURE_EVENT = /^(?:Failed|FailedScheduling|FailedCreatePodSandBox|FailedCreatePodContainer|FailedPostStartHook|FailedPreStopHook|FailedKillPod|FailedSync|FailedMount|FailedAttachVolume|FailedMapVolume|InspectFailed|ErrImageNeverPull|BackOff|FailedValidation|Evicted|OutOfmemory|OutOfcpu|UnexpectedAdmissionError|NetworkNotReady)$/;

/**
 * A pod whose only account of its failure is a pod-level Warning event (a sandbox that never starts, a first
 * container the runtime refuses, a volume that never mounts): when no container is failing yet, the container
 * that is not coming up (the first unfinished init container, else the first main one that is not running) is.
 */
function blameWarningEvents(containers: ContainerCtx[], podEvents: EventCtx[], phase: string): void {
  if (phase === 'Succeeded' || containers.some((c) => c.failing)) return;
  const telling = podEvents.filter((e) => e.type !== 'Normal' && e.kind !== 'Node' && POD_FAILURE_EVENT.test(e.reason) && !BENIGN_WARNING.test(`${e.reason} ${e.message}`));
  if (telling.length === 0) return;
  const notUp = (c: ContainerCtx) => !(c.ready === true || (c.runningSince !== undefined && c.type !== 'init') || (c.type === 'init' && c.terminated?.exitCode === 0));
  const target = containers.find((c) => c.type === 'init' && notUp(c)) ?? containers.find((c) => c.type === 'main' && notUp(c));
  if (!target) return;
  target.failing = true;
  target.failRank = (target.type === 'init' ? 2 : 1) * 1000;
}

/** The context of a snapshot. diagnose() builds it once and hands it to every rule. */
export function contextOf(snapshot: Snapshot | unknown): Context {
  return buildContext(snapshot);
}
