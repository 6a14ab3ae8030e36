// The engine's public contract: what a snapshot holds and what a report says.
// Kubernetes models are imported as types only; diagnostics/ never talks to a cluster.
import type { CoreV1Event, V1Pod, V1PodTemplateSpec, V1NodeCondition } from '@kubernetes/client-node';
import type { Context } from './context.ts';

/** Cause ids: the public contract from shared/cause-taxonomy.md. */
export const CAUSE_IDS = [
  'oom-killed',
  'liveness-probe-failed',
  'config-ref-missing',
  'missing-env-var',
  'config-file-missing',
  'config-invalid',
  'dependency-unreachable',
  'dns-failure',
  'missing-dependency',
  'permission-denied',
  'port-in-use',
  'command-not-found',
  'not-executable',
  'exec-format-error',
  'segfault',
  'image-pull-failure',
  'exited-zero',
  'volume-mount-failure',
  'auth-failure',
  'tls-error',
  'disk-full',
  'app-error',
  'unknown',
] as const;
export type CauseId = (typeof CAUSE_IDS)[number];

// ---------------------------------------------------------------------------------------------
// Snapshot: what capture produces and what `crashloop snapshot` prints. Only pod, events and logs
// are required; everything else sharpens the diagnosis when present.
// ---------------------------------------------------------------------------------------------

export interface ContainerLogs {
  /** Logs of the previous (crashed) instance, or null when there is none or it could not be read. */
  previous: string | null;
  /** Logs of the current instance, or null. */
  current: string | null;
}

/** One link of the owner chain, nearest first (ReplicaSet, then Deployment). */
export interface OwnerRef {
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
}

/** A revision of the owning workload: a ReplicaSet (Deployment) or a ControllerRevision (StatefulSet, DaemonSet). */
export interface Revision {
  revision: number;
  /** Name of the ReplicaSet or ControllerRevision. */
  name: string;
  createdAt?: string;
  /** The `kubernetes.io/change-cause` annotation, if any. */
  changeCause?: string;
  template: V1PodTemplateSpec;
}

export interface NodeInfo {
  name: string;
  conditions?: V1NodeCondition[];
}

/** Something capture could not read, and why. Reported, never fatal. */
export interface Gap {
  /** What was being read, e.g. "logs/api (previous)", "events", "owner ReplicaSet/api-7d9f". */
  what: string;
  /** Why: "forbidden", "not found", "timeout", … and the API's message. */
  reason: string;
}

export interface Snapshot {
  pod: V1Pod;
  events: CoreV1Event[];
  logs: Record<string, ContainerLogs>;
  /** ISO-8601 capture time: the engine's only "now". */
  capturedAt?: string;
  owners?: OwnerRef[];
  /** Rollout history of the top owner, any order; the engine sorts by revision. */
  history?: Revision[];
  node?: NodeInfo;
  gaps?: Gap[];
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

export type EvidenceKind = 'status' | 'event' | 'log' | 'spec' | 'node' | 'history';

/** One cited fact. `text` is quoted exactly (after redaction); `source` says where it came from. */
export interface Evidence {
  kind: EvidenceKind;
  /** e.g. "status.containerStatuses[api].lastState.terminated", "event Unhealthy ×12", "logs/api previous line 41". */
  source: string;
  text: string;
}

/** A shell command that confirms or fixes the cause. */
export interface FixCommand {
  description: string;
  command: string;
}

/**
 * What the fix changes, machine-readable and finer than `kind`: a probe kill is fixed by a port, a protocol, a path or
 * its timing; a missing reference by a key or an object. Scored in the corpus alongside the cause.
 */
export const FIX_KINDS = [
  'probe-port', 'probe-protocol', 'probe-timing', 'probe-path',
  'memory-limit', 'missing-key', 'missing-reference', 'set-env', 'provide-file', 'fix-config', 'reach-dependency',
  'dns-name', 'install-dependency', 'file-permissions', 'free-port', 'wrong-command', 'make-executable', 'image-arch',
  'native-crash', 'image-reference', 'run-as-job', 'volume', 'credentials', 'rbac', 'certificates', 'free-disk', 'code',
  'rollback', 'debug',
] as const;
export type FixSpecificKind = (typeof FIX_KINDS)[number];

interface FixBase {
  /** Finer than `kind`: what exactly to change (see FIX_KINDS). Always set on a Report's findings. */
  fixKind?: FixSpecificKind;
  /** The concrete change, one sentence. */
  summary: string;
  /** Further steps, in order. */
  steps: string[];
  /** kubectl commands that confirm the diagnosis or apply the fix. */
  commands: FixCommand[];
  /** A YAML snippet to paste, where one helps. */
  snippet?: string;
}

/** Fixes as a discriminated union: renderers and actions can switch on `kind`. */
export type Fix =
  | (FixBase & { kind: 'raise-memory-limit'; currentLimit?: string; suggestedLimit?: string })
  | (FixBase & { kind: 'tune-probe'; probe: 'liveness' | 'startup' | 'readiness' })
  | (FixBase & { kind: 'create-reference'; refKind: 'ConfigMap' | 'Secret'; refName: string; key?: string })
  | (FixBase & { kind: 'fix-image'; image?: string })
  | (FixBase & { kind: 'fix-command'; command?: string[] })
  | (FixBase & { kind: 'fix-config' })
  | (FixBase & { kind: 'fix-environment'; variable?: string })
  | (FixBase & { kind: 'fix-dependency'; target?: string })
  | (FixBase & { kind: 'fix-permissions' })
  | (FixBase & { kind: 'fix-volume'; volume?: string })
  | (FixBase & { kind: 'fix-restart-policy' })
  | (FixBase & { kind: 'free-disk' })
  | (FixBase & { kind: 'fix-code' })
  | (FixBase & { kind: 'rollback'; toRevision: number })
  | (FixBase & { kind: 'debug' });

export type FixKind = Fix['kind'];

export type ContainerType = 'init' | 'main' | 'sidecar' | 'ephemeral';

export interface Finding {
  cause: CauseId;
  /** The failing container's name (init containers included). */
  container: string;
  containerType: ContainerType;
  /** 0..1; findings are ranked by it, status and events outranking logs. */
  confidence: number;
  /** One line a person reads first. */
  title: string;
  evidence: Evidence[];
  fix: Fix;
}

/** The crash-loop clock of one container. */
export interface BackoffTimeline {
  container: string;
  restartCount: number;
  /** How long the last run lasted, in seconds, when known. */
  lastRunSeconds?: number;
  lastExitCode?: number;
  lastReason?: string;
  lastFinishedAt?: string;
  /** Current back-off delay in seconds (10 s doubling to 300 s). */
  backoffSeconds?: number;
  /** When the kubelet will try again, when it can be computed from capturedAt. */
  nextRestartAt?: string;
}

/** What changed between the two latest revisions of the owning workload. */
export interface TemplateChange {
  field: string;
  container?: string;
  before: string;
  after: string;
}

export interface RolloutChange {
  owner: OwnerRef;
  fromRevision: number;
  toRevision: number;
  changedAt?: string;
  changeCause?: string;
  changes: TemplateChange[];
  /** True when the first crash came after the new revision was created. */
  crashesBeganAfter: boolean;
}

/** A runner-up cause close enough to the primary one that the report says "likely X; Y also fits". */
export interface Alternative {
  cause: CauseId;
  container: string;
  confidence: number;
  title: string;
}

export interface Report {
  /** Version of this JSON shape. */
  schemaVersion: 1;
  pod: { namespace: string; name: string; phase?: string; node?: string };
  capturedAt?: string;
  /** Primary first. Empty for a healthy pod. */
  findings: Finding[];
  /**
   * Other causes of the primary container that fit almost as well as the primary one (confidence within 0.1),
   * best first; empty when the primary cause stands clear. Also listed among `findings`.
   */
  alternatives?: Alternative[];
  timeline: BackoffTimeline[];
  change?: RolloutChange;
  /** What capture could not read, copied from the snapshot. */
  gaps: Gap[];
  /** Rules that failed; a rule error never crashes the engine. */
  errors: { rule: string; message: string }[];
}

/**
 * A rule looks at the snapshot's normalized Context (built once by diagnose()) and returns zero or more findings.
 * The raw snapshot is passed too, for the few facts the Context does not carry (capture gaps). It must not throw,
 * but if it does the engine reports it.
 */
export interface Rule {
  id: string;
  evaluate(ctx: Context, snapshot: unknown): Finding[];
}
