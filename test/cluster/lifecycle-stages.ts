// Ordinary lifecycle Stages for the e2e cluster. Custom Stages replace kwok's defaults, so nodes and
// ordinary pods need their own.
import { jq, notDeleting, notSim, onNode, POD_NETWORK, PRELUDE, stage, statusPatch } from './stage-kit.ts';

// ---------------------------------------------------------------------------------------------
// Ordinary lifecycle: nodes come up Ready and keep heart-beating; unlabelled pods run; Job pods
// complete; deleted pods go away (there is no kubelet to confirm a graceful deletion).
// ---------------------------------------------------------------------------------------------

const NODE_STATUS = `{{ $now := Now }}
conditions:
{{ range NodeConditions }}
- lastHeartbeatTime: {{ $now | Quote }}
  lastTransitionTime: {{ or $.metadata.creationTimestamp $now | Quote }}
  message: {{ .message | Quote }}
  reason: {{ .reason | Quote }}
  status: {{ .status | Quote }}
  type: {{ .type | Quote }}
{{ end }}
{{ with NodePort }}
daemonEndpoints:
  kubeletEndpoint:
    Port: {{ . }}
{{ end }}`;

export function lifecycleStages(): object[] {
  const runningPod = `${PRELUDE}
phase: Running
${POD_NETWORK}
conditions:
- type: PodReadyToStartContainers
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
- type: Initialized
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
- type: Ready
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
- type: ContainersReady
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
containerStatuses:
{{ range .spec.containers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  imageID: ""
  ready: true
  started: true
  restartCount: 0
  state:
    running:
      startedAt: {{ $now | Quote }}
{{ end }}
initContainerStatuses:
{{ range .spec.initContainers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  imageID: ""
  ready: true
  restartCount: 0
  state:
    terminated:
      exitCode: 0
      reason: Completed
      startedAt: {{ $now | Quote }}
      finishedAt: {{ $now | Quote }}
{{ end }}`;
  const completedPod = `{{ $now := Now }}
phase: Succeeded
conditions:
- type: Ready
  status: "False"
  reason: PodCompleted
  lastTransitionTime: {{ $now | Quote }}
containerStatuses:
{{ range .status.containerStatuses }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  imageID: ""
  ready: false
  started: false
  restartCount: {{ .restartCount }}
  state:
    terminated:
      exitCode: 0
      reason: Completed
      startedAt: {{ .state.running.startedAt | Quote }}
      finishedAt: {{ $now | Quote }}
{{ end }}`;
  return [
    stage('node-initialize', 'Node',
      [jq('any(.status.conditions[]?; .type == "Ready" and .status == "True") | not')],
      [statusPatch(`${NODE_STATUS}
allocatable:
  cpu: "32"
  memory: 128Gi
  pods: "110"
capacity:
  cpu: "32"
  memory: 128Gi
  pods: "110"
nodeInfo:
  architecture: amd64
  operatingSystem: linux
  osImage: kwok simulated node
  kernelVersion: {{ printf "kwok-%s" Version | Quote }}
  containerRuntimeVersion: {{ printf "kwok-%s" Version | Quote }}
  kubeletVersion: {{ printf "kwok-%s" Version | Quote }}
  kubeProxyVersion: ""
  bootID: ""
  machineID: ""
  systemUUID: ""
phase: Running`)]),
    stage('node-heartbeat', 'Node',
      [jq('any(.status.conditions[]?; .type == "Ready" and .status == "True")')],
      [statusPatch(NODE_STATUS)], 20_000),
    stage('pod-ready', 'Pod',
      [notSim, notDeleting, onNode, jq('(.status.phase // "Pending") == "Pending"')],
      [statusPatch(runningPod)], 200),
    stage('pod-complete', 'Pod',
      [notSim, notDeleting, jq('.status.phase == "Running"'), jq('any(.metadata.ownerReferences[]?; .kind == "Job")')],
      [statusPatch(completedPod)], 1000),
    stage('pod-delete', 'Pod', [jq('.metadata.deletionTimestamp != null')], [{ delete: true }]),
  ];
}

