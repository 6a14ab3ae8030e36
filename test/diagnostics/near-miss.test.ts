// Every rule has a near miss it must not fire on.
import { describe, expect, it } from 'vitest';
import type { Rule } from '../../diagnostics/types.ts';
import { oomRule } from '../../diagnostics/rules/oom.ts';
import { livenessRule } from '../../diagnostics/rules/probes.ts';
import { configRefRule } from '../../diagnostics/rules/config-ref.ts';
import { imagePullRule } from '../../diagnostics/rules/image-pull.ts';
import { startErrorRule } from '../../diagnostics/rules/start-error.ts';
import { exitedZeroRule } from '../../diagnostics/rules/exited-zero.ts';
import { signalsRule } from '../../diagnostics/rules/signals.ts';
import { volumeRule } from '../../diagnostics/rules/volume.ts';
import { diskRule } from '../../diagnostics/rules/disk.ts';
import { logsRule } from '../../diagnostics/rules/logs.ts';
import { buildSnapshot, type Case } from '../fixtures/diagnostics/build.ts';
import { buildContext } from '../../diagnostics/context.ts';

const base = (over: Partial<Case>): Case => ({ name: 'near-miss', cause: 'unknown', container: 'app', containers: [{ name: 'app', last: { exitCode: 1 } }], ...over });

const NEAR_MISSES: [string, Rule, Case][] = [
  ['exit 137 without OOMKilled or node OOM events is not oom-killed', oomRule,
    base({ containers: [{ name: 'app', last: { exitCode: 137, reason: 'Error' } }] })],
  ['readiness failures do not restart a container', livenessRule,
    base({ containers: [{ name: 'app', last: { exitCode: 1 } }], events: [{ reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count: 30, container: 'app' }] })],
  ['a missing PVC is a volume problem, not a ConfigMap/Secret reference', configRefRule,
    base({ containers: [{ name: 'app', state: 'waiting', waiting: { reason: 'ContainerCreating' }, mounts: [{ name: 'data', mountPath: '/data' }] }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }], events: [{ reason: 'FailedMount', message: 'Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data]: timed out waiting for the condition' }] })],
  ['old pull errors of a container that now runs', imagePullRule,
    base({ containers: [{ name: 'app', state: 'running', restarts: 0 }], events: [{ reason: 'Failed', message: 'Failed to pull image "x:1": rpc error: code = Unknown desc = context deadline exceeded', container: 'app' }] })],
  ['exit 1 with a termination message that is not about exec', startErrorRule,
    base({ containers: [{ name: 'app', last: { exitCode: 1, message: 'open /etc/app.yaml: no such file or directory' } }] })],
  ['a Job container that completed under OnFailure', exitedZeroRule,
    base({ restartPolicy: 'OnFailure', containers: [{ name: 'app', state: 'terminated', last: { exitCode: 0, reason: 'Completed' } }] })],
  ['an init container that completes', exitedZeroRule,
    base({ containers: [{ name: 'init', kind: 'init', state: 'ok' }, { name: 'app', last: { exitCode: 1 } }] })],
  ['exit 1 is no fatal signal', signalsRule, base({})],
  ['a missing ConfigMap volume is config-ref-missing, not a volume failure', volumeRule,
    base({ containers: [{ name: 'app', state: 'waiting', waiting: { reason: 'ContainerCreating' }, mounts: [{ name: 'cfg', mountPath: '/cfg' }] }], volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }], events: [{ reason: 'FailedMount', message: 'MountVolume.SetUp failed for volume "cfg" : configmap "cfg" not found' }] })],
  ['mount errors of a container that already ran', volumeRule,
    base({ containers: [{ name: 'app', last: { exitCode: 1 }, mounts: [{ name: 'data', mountPath: '/data' }] }], volumes: [{ name: 'data', nfs: { server: 'nfs', path: '/x' } }], events: [{ reason: 'FailedMount', message: 'MountVolume.SetUp failed for volume "data" : mount failed: exit status 32' }] })],
  ['no eviction and no disk pressure', diskRule, base({ logs: { app: 'writing 3 files' } })],
  ['warnings and deprecations only', logsRule,
    base({ logs: { app: 'WARN could not reach telemetry, connection refused\n(node:1) DeprecationWarning: Buffer() is deprecated\nW1121 11:59:00.0 1 client_config.go:617] Neither --kubeconfig nor --master was specified' } })],
];

describe('near misses', () => {
  for (const [name, rule, c] of NEAR_MISSES) {
    it(`${rule.id}: ${name}`, () => {
      const snapshot = buildSnapshot(c);
      expect(rule.evaluate(buildContext(snapshot), snapshot)).toEqual([]);
    });
  }
});
