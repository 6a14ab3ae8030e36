// The machine-readable fix kind of a finding, when its rule did not set a finer one: derived from the cause and
// the fix the rule chose, so every finding of a report carries one.
import type { Finding, FixSpecificKind } from './types.ts';

const BY_CAUSE: Record<string, FixSpecificKind> = {
  'oom-killed': 'memory-limit',
  'liveness-probe-failed': 'probe-timing',
  'config-ref-missing': 'missing-reference',
  'missing-env-var': 'set-env',
  'config-file-missing': 'provide-file',
  'config-invalid': 'fix-config',
  'dependency-unreachable': 'reach-dependency',
  'dns-failure': 'dns-name',
  'missing-dependency': 'install-dependency',
  'permission-denied': 'file-permissions',
  'port-in-use': 'free-port',
  'command-not-found': 'wrong-command',
  'not-executable': 'make-executable',
  'exec-format-error': 'image-arch',
  segfault: 'native-crash',
  'image-pull-failure': 'image-reference',
  'exited-zero': 'run-as-job',
  'volume-mount-failure': 'volume',
  'auth-failure': 'credentials',
  'tls-error': 'certificates',
  'disk-full': 'free-disk',
  'app-error': 'code',
  unknown: 'debug',
};

export function fixKindOf(f: Finding): FixSpecificKind {
  if (f.fix.fixKind) return f.fix.fixKind;
  const fix = f.fix;
  if (fix.kind === 'rollback') return 'rollback';
  if (fix.kind === 'create-reference') return fix.key ? 'missing-key' : 'missing-reference';
  if (fix.kind === 'raise-memory-limit') return 'memory-limit';
  if (f.cause === 'auth-failure' && /RBAC|ServiceAccount|Role/.test(fix.summary)) return 'rbac';
  return BY_CAUSE[f.cause] ?? 'debug';
}
