// kwok Stages for the e2e control plane: a small set of ordinary lifecycle stages (custom Stages replace
// kwok's defaults, so nodes and ordinary pods need their own) and the crash simulations, which play
// the status transitions and Events a kubelet would report for a crash-looping container.
//
// A pod opts in with the label `crashloop.test/sim` and tunes the crash with annotations (see SIM and
// ANNOTATIONS). Go templates below run inside kwok-controller with sprig and kwok's helpers
// (Now, Quote, NodeIP, NodePort, PodIPsWith…); `.` is the object being staged.
import { stringify } from 'yaml';
import { lifecycleStages } from './lifecycle-stages.ts';
import { jq, notDeleting, onNode, POD_NETWORK, PRELUDE, SIM_LABEL, simIs, stage, statusPatch, type Expr, type Step } from './stage-kit.ts';

export { SIM_LABEL };

/** Values of the `crashloop.test/sim` label. */
export const SIM = {
  /** The first app container runs, exits, and is restarted with back-off (CrashLoopBackOff). */
  crash: 'crash',
  /** The first init container crash-loops; the pod stays Pending (Init:CrashLoopBackOff). */
  initCrash: 'init-crash',
  /** The first app container never starts: waiting CreateContainerConfigError (message annotation). */
  configError: 'config-error',
  /** The first app container's image cannot be pulled: ErrImagePull, then ImagePullBackOff. */
  imagePull: 'image-pull',
} as const;

export const ANNOTATIONS = {
  /** Exit code of each crash (default "1"). */
  exitCode: 'crashloop.test/exit-code',
  /** terminated.reason of each crash: Error (default), OOMKilled, Completed… */
  reason: 'crashloop.test/reason',
  /** Waiting message for config-error and image-pull pods. */
  message: 'crashloop.test/message',
  /** "true": each run ends with the kubelet's liveness-probe Unhealthy ×3 and Killing events. */
  liveness: 'crashloop.test/liveness',
  /** Liveness probe failure text (default "HTTP probe failed with statuscode: 500"). */
  probeMessage: 'crashloop.test/probe-message',
  /** How long each run lasts before the crash, in ms (default 1500). */
  runMs: 'crashloop.test/run-ms',
} as const;

function conditions(initialized: boolean, ready: boolean, failing: string): string {
  const notReady = `reason: ContainersNotReady
  message: {{ printf "containers with unready status: [%s]" ${failing} | Quote }}`;
  return `conditions:
- type: PodReadyToStartContainers
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
- type: Initialized
  status: "${initialized ? 'True' : 'False'}"
  lastTransitionTime: {{ $now | Quote }}
${initialized ? '' : `  reason: ContainersNotInitialized\n  message: {{ printf "containers with incomplete status: [%s]" ${failing} | Quote }}\n`}- type: Ready
  status: "${ready ? 'True' : 'False'}"
  lastTransitionTime: {{ $now | Quote }}
${ready ? '' : `  ${notReady}\n`}- type: ContainersReady
  status: "${ready ? 'True' : 'False'}"
  lastTransitionTime: {{ $now | Quote }}
${ready ? '' : `  ${notReady}\n`}`;
}

/** Where the failing container lives: the first app container, or the first init container. */
interface Target {
  specList: 'containers' | 'initContainers';
  statusList: 'containerStatuses' | 'initContainerStatuses';
  fieldPath: 'spec.containers' | 'spec.initContainers';
  phase: 'Running' | 'Pending';
}
const MAIN: Target = { specList: 'containers', statusList: 'containerStatuses', fieldPath: 'spec.containers', phase: 'Running' };
const INIT: Target = { specList: 'initContainers', statusList: 'initContainerStatuses', fieldPath: 'spec.initContainers', phase: 'Pending' };

/** `$spec` (the failing container's spec) and `$s` (its current status, or an empty dict). */
function bindTarget(t: Target): string {
  return `{{ $spec := index .spec.${t.specList} 0 }}
{{ $s := dict }}
{{ with .status.${t.statusList} }}{{ $s = index . 0 }}{{ end }}
{{ $img := $spec.image }}
{{ $imageID := printf "%s@sha256:%s" (regexReplaceAll ":[^:/]*$" $img "") (sha256sum $img) }}`;
}

/**
 * The whole status of the pod for a crash simulation, given the failing container's new status entry
 * (YAML list item, indented for `- `). Other containers: in MAIN mode the remaining app containers run;
 * in INIT mode the later init containers and every app container wait in PodInitializing.
 */
function crashStatus(t: Target, entry: string, ready: boolean): string {
  const failing = '$spec.name';
  const rest =
    t === MAIN
      ? `{{ range $i, $c := .spec.containers }}{{ if gt $i 0 }}
- name: {{ $c.name | Quote }}
  image: {{ $c.image | Quote }}
  imageID: ""
  containerID: {{ printf "containerd://%s" (sha256sum (printf "%s/%s" $.metadata.uid $c.name)) | Quote }}
  ready: true
  started: true
  restartCount: 0
  state:
    running:
      startedAt: {{ or $.status.startTime $now | Quote }}
{{ end }}{{ end }}`
      : `{{ range $i, $c := .spec.initContainers }}{{ if gt $i 0 }}
- name: {{ $c.name | Quote }}
  image: {{ $c.image | Quote }}
  imageID: ""
  ready: false
  started: false
  restartCount: 0
  state:
    waiting:
      reason: PodInitializing
{{ end }}{{ end }}
containerStatuses:
{{ range .spec.containers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  imageID: ""
  ready: false
  started: false
  restartCount: 0
  state:
    waiting:
      reason: PodInitializing
{{ end }}`;
  return `${PRELUDE}
${bindTarget(t)}
phase: ${t.phase}
${POD_NETWORK}
${conditions(t === MAIN, ready, failing)}
${t.statusList}:
${entry}
${rest}`;
}

/** A kubelet-style Event about the failing container, created or updated (server-side apply). */
function kubeletEvent(t: Target, key: string, type: 'Normal' | 'Warning', reason: string, message: string, count: string): Step {
  return {
    apply: {
      template: `${PRELUDE}
${bindTarget(t)}
apiVersion: v1
kind: Event
metadata:
  name: {{ printf "%s.%s" .metadata.name (sha256sum (printf "%s/%s/${key}" .metadata.uid $spec.name) | trunc 16) | Quote }}
  namespace: {{ .metadata.namespace | Quote }}
involvedObject:
  apiVersion: v1
  kind: Pod
  name: {{ .metadata.name | Quote }}
  namespace: {{ .metadata.namespace | Quote }}
  uid: {{ .metadata.uid | Quote }}
  fieldPath: {{ printf "${t.fieldPath}{%s}" $spec.name | Quote }}
type: ${type}
reason: ${reason}
message: {{ ${message} | Quote }}
count: ${count}
firstTimestamp: {{ .metadata.creationTimestamp | Quote }}
lastTimestamp: {{ $now | Quote }}
source:
  component: kubelet
  host: {{ $node | Quote }}
reportingComponent: kubelet
reportingInstance: {{ $node | Quote }}
`,
    },
  };
}

/** Pulled, Created and Started, as the kubelet reports each (re)start; `count` is a template expression. */
function startEvents(t: Target, count: string): Step[] {
  return [
    kubeletEvent(t, 'pulled', 'Normal', 'Pulled', 'printf "Container image \\"%s\\" already present on machine" $img', count),
    kubeletEvent(t, 'created', 'Normal', 'Created', 'printf "Created container: %s" $spec.name', count),
    kubeletEvent(t, 'started', 'Normal', 'Started', 'printf "Started container %s" $spec.name', count),
  ];
}

/** `restartCount` is a template expression, e.g. `0` or `(add $s.restartCount 1)`. */
function runningEntry(restartCount: string, lastState: string): string {
  return `- name: {{ $spec.name | Quote }}
  image: {{ $img | Quote }}
  imageID: {{ $imageID | Quote }}
  containerID: {{ printf "containerd://%s" (sha256sum (printf "%s/%s/%v" .metadata.uid $spec.name ${restartCount})) | Quote }}
  ready: true
  started: true
  restartCount: {{ ${restartCount} }}
  state:
    running:
      startedAt: {{ $now | Quote }}
  ${lastState}`;
}

/** The crash-loop state machine for one target (see docs/control-plane.md for the sequence). */
function crashLoop(t: Target, sim: string, prefix: string): object[] {
  const statusOf = `.status.${t.statusList}[0]`;
  const base = [simIs(sim), notDeleting, onNode];
  const runMs = `(.metadata.annotations["${ANNOTATIONS.runMs}"] // "1500") + "ms"`;
  const liveness = `.metadata.annotations["${ANNOTATIONS.liveness}"] == "true"`;
  const lastStateKeep = '{{ with $s.lastState }}lastState: {{ toJson . }}{{ end }}';
  const lastStateFromTerminated = 'lastState: {{ toJson (dict "terminated" $s.state.terminated) }}';
  // Both entries describe the same stopped container; only its state differs.
  const stoppedEntry = `- name: {{ $spec.name | Quote }}
  image: {{ $img | Quote }}
  imageID: {{ $imageID | Quote }}
  containerID: {{ $s.containerID | Quote }}
  ready: false
  started: false
  restartCount: {{ $s.restartCount }}
  state:`;
  const terminatedEntry = `${stoppedEntry}
    terminated:
      containerID: {{ $s.containerID | Quote }}
      exitCode: {{ or (index $ann "${ANNOTATIONS.exitCode}") "1" }}
      reason: {{ or (index $ann "${ANNOTATIONS.reason}") "Error" | Quote }}
      startedAt: {{ $s.state.running.startedAt | Quote }}
      finishedAt: {{ $now | Quote }}
  ${lastStateKeep}`;
  const backOffSeconds = `{{ $b := 10 }}{{ range until (int (sub $s.restartCount 1)) }}{{ $b = mul $b 2 }}{{ end }}{{ if gt $b 300 }}{{ $b = 300 }}{{ end }}`;
  const waitingEntry = `${backOffSeconds}
${stoppedEntry}
    waiting:
      reason: CrashLoopBackOff
      message: {{ printf "back-off %ds restarting failed container=%s pod=%s_%s(%s)" $b $spec.name .metadata.name .metadata.namespace .metadata.uid | Quote }}
  ${lastStateFromTerminated}`;
  const probeMsg = `printf "Liveness probe failed: %s" (or (index $ann "${ANNOTATIONS.probeMessage}") "HTTP probe failed with statuscode: 500")`;
  const killMsg = `printf "Container %s failed liveness probe, will be restarted" $spec.name`;
  const nextCount = '(add $s.restartCount 1)';
  // Back-off is compressed tenfold (10s -> 1s, 20s -> 2s…, capped at 8s) so tests see climbing counts.
  const backOffDelay = `${statusOf}.restartCount as $n | if $n >= 4 then "8s" elif $n == 3 then "4s" elif $n == 2 then "2s" else "1s" end`;
  return [
    stage(`${prefix}-start`, 'Pod', [...base, jq(`.status.${t.statusList} == null`)],
      [statusPatch(crashStatus(t, runningEntry('0', ''), t === MAIN)), ...startEvents(t, '1')], 300),
    stage(`${prefix}-exit`, 'Pod', [...base, jq(`${statusOf}.state.running != null`), jq(`(${liveness}) | not`)],
      [statusPatch(crashStatus(t, terminatedEntry, false))], runMs),
    stage(`${prefix}-liveness-kill`, 'Pod', [...base, jq(`${statusOf}.state.running != null`), jq(liveness)],
      [
        kubeletEvent(t, 'unhealthy', 'Warning', 'Unhealthy', probeMsg, '{{ mul (add $s.restartCount 1) 3 }}'),
        kubeletEvent(t, 'killing', 'Normal', 'Killing', killMsg, '{{ add $s.restartCount 1 }}'),
        statusPatch(crashStatus(t, terminatedEntry, false)),
      ], runMs),
    // The kubelet restarts a container that failed for the first time at once…
    stage(`${prefix}-restart`, 'Pod', [...base, jq(`${statusOf}.state.terminated != null and ${statusOf}.restartCount == 0`)],
      [statusPatch(crashStatus(t, runningEntry(nextCount, lastStateFromTerminated), t === MAIN)), ...startEvents(t, `{{ ${nextCount} }}`)], 300),
    // …and every later time only after a back-off, shown as waiting CrashLoopBackOff.
    stage(`${prefix}-back-off`, 'Pod', [...base, jq(`${statusOf}.state.terminated != null and ${statusOf}.restartCount >= 1`)],
      [
        statusPatch(crashStatus(t, waitingEntry, false)),
        kubeletEvent(t, 'back-off', 'Warning', 'BackOff',
          'printf "Back-off restarting failed container %s in pod %s_%s(%s)" $spec.name .metadata.name .metadata.namespace .metadata.uid',
          '{{ $s.restartCount }}'),
      ], 300),
    stage(`${prefix}-back-off-over`, 'Pod',
      [...base, jq(`${statusOf}.state.waiting.reason == "CrashLoopBackOff"`)],
      [statusPatch(crashStatus(t, runningEntry(nextCount, lastStateKeep), t === MAIN)), ...startEvents(t, `{{ ${nextCount} }}`)], backOffDelay),
  ];
}

/** A container that never starts: one waiting state, with the kubelet's Failed/BackOff events. */
function neverStarts(sim: string, prefix: string): object[] {
  const base = [simIs(sim), notDeleting, onNode];
  const waiting = (reason: string, message: string): string => `- name: {{ $spec.name | Quote }}
  image: {{ $img | Quote }}
  imageID: ""
  ready: false
  started: false
  restartCount: 0
  state:
    waiting:
      reason: ${reason}
      message: {{ ${message} | Quote }}`;
  const msg = `(or (index $ann "${ANNOTATIONS.message}") "")`;
  const noStatus = jq('.status.containerStatuses == null');
  const waitingIs = (r: string): Expr => jq(`.status.containerStatuses[0].state.waiting.reason == "${r}"`);
  if (sim === SIM.configError) {
    return [
      stage(`${prefix}-fail`, 'Pod', [...base, noStatus], [
        statusPatch(crashStatus(MAIN, waiting('CreateContainerConfigError', msg), false).replace('phase: Running', 'phase: Pending')),
        kubeletEvent(MAIN, 'pulled', 'Normal', 'Pulled', 'printf "Container image \\"%s\\" already present on machine" $img', '1'),
        kubeletEvent(MAIN, 'failed-config', 'Warning', 'Failed', `printf "Error: %s" ${msg}`, '1'),
      ], 300),
    ];
  }
  return [
    stage(`${prefix}-err`, 'Pod', [...base, noStatus], [
      statusPatch(crashStatus(MAIN, waiting('ErrImagePull', msg), false).replace('phase: Running', 'phase: Pending')),
      kubeletEvent(MAIN, 'pulling', 'Normal', 'Pulling', 'printf "Pulling image \\"%s\\"" $img', '1'),
      kubeletEvent(MAIN, 'failed-pull', 'Warning', 'Failed', `printf "Failed to pull image \\"%s\\": %s" $img ${msg}`, '1'),
      kubeletEvent(MAIN, 'failed-errimagepull', 'Warning', 'Failed', '"Error: ErrImagePull"', '1'),
    ], 300),
    stage(`${prefix}-back-off`, 'Pod', [...base, waitingIs('ErrImagePull')], [
      statusPatch(crashStatus(MAIN, waiting('ImagePullBackOff', 'printf "Back-off pulling image \\"%s\\"" $img'), false)
        .replace('phase: Running', 'phase: Pending')),
      kubeletEvent(MAIN, 'back-off-pull', 'Normal', 'BackOff', 'printf "Back-off pulling image \\"%s\\"" $img', '1'),
      kubeletEvent(MAIN, 'failed-backoff', 'Warning', 'Failed', '"Error: ImagePullBackOff"', '1'),
    ], 1000),
  ];
}

/** Every Stage the e2e cluster loads, as one multi-document YAML. */
export function allStages(): string {
  const stages = [
    ...lifecycleStages(),
    ...crashLoop(MAIN, SIM.crash, 'crashloop-main'),
    ...crashLoop(INIT, SIM.initCrash, 'crashloop-init'),
    ...neverStarts(SIM.configError, 'crashloop-config-error'),
    ...neverStarts(SIM.imagePull, 'crashloop-image-pull'),
  ];
  return stages.map((s) => stringify(s, { lineWidth: 0 })).join('---\n');
}
