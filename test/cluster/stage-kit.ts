// The small vocabulary the e2e cluster's kwok Stages are written in: jq selectors, the Stage object,
// status patches, and the template fragments every pod stage shares. Go templates run inside
// kwok-controller with sprig and kwok's helpers (Now, Quote, NodeIP, NodePort, PodIPsWith…).

/** The label a pod carries to opt in to a crash simulation. */
export const SIM_LABEL = 'crashloop.test/sim';

// Selectors are jq expressions that evaluate to a boolean. (kwok's CEL environment is typed, and
// comprehensions over typed lists such as status.conditions fail to compile in kwok v0.8.0.)
export type Expr = { key: string; operator: 'In'; values: ['true'] };
export const jq = (expression: string): Expr => ({ key: expression, operator: 'In', values: ['true'] });
export const notDeleting = jq('.metadata.deletionTimestamp == null');
export const onNode = jq('.spec.nodeName != null');
export const simIs = (v: string): Expr => jq(`.metadata.labels["${SIM_LABEL}"] == "${v}"`);
export const notSim = jq(`.metadata.labels["${SIM_LABEL}"] == null`);

export interface Step {
  patch?: { subresource?: string; root?: string; type?: string; template: string };
  apply?: { template: string };
  delete?: boolean;
}

export function stage(name: string, kind: 'Pod' | 'Node', match: Expr[], steps: Step[], delayMs?: number | string): object {
  const delay =
    delayMs === undefined
      ? undefined
      : typeof delayMs === 'number'
        ? { durationMilliseconds: delayMs }
        : { durationMilliseconds: 1000, durationFrom: { jq: { expression: delayMs } } };
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name },
    spec: {
      resourceRef: { apiGroup: 'v1', kind },
      selector: { matchExpressions: match },
      ...(delay ? { delay } : {}),
      steps,
    },
  };
}

export const statusPatch = (template: string): Step => ({
  patch: { subresource: 'status', root: 'status', type: 'strategic', template },
});

// ---------------------------------------------------------------------------------------------
// Template fragments
// ---------------------------------------------------------------------------------------------

/** Sets $now, $ann (annotations) and $node. */
export const PRELUDE = `{{ $now := Now }}
{{ $ann := or .metadata.annotations dict }}
{{ $node := .spec.nodeName }}`;

/** The status fields a kubelet sets once the sandbox exists (once: PodIPsWith allocates a new IP per call). */
export const POD_NETWORK = `{{ if not .status.podIP }}
{{ $hostIPs := NodeIPsWith .spec.nodeName }}
{{ with $hostIPs }}
hostIP: {{ index . 0 | Quote }}
hostIPs:
{{ range . }}
- ip: {{ . | Quote }}
{{ end }}
{{ end }}
{{ $podIPs := PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
{{ with $podIPs }}
podIP: {{ index . 0 | Quote }}
podIPs:
{{ range . }}
- ip: {{ . | Quote }}
{{ end }}
{{ end }}
{{ end }}
startTime: {{ or .status.startTime $now | Quote }}`;

