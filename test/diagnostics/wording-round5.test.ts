// What the finding says after the hold-out 5 review (test/fixtures/corpus/HOLDOUT5.md): mount failures explained in
// the mount's own terms, the missing library named, a truncated logfmt error still quoted. Variants written here, each
// with a near miss where the change could over-reach.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../diagnostics/index.ts';
import { buildSnapshot, type Case } from '../fixtures/diagnostics/build.ts';

const crash = (logs: string): Case => ({
  name: 'wording', cause: 'unknown', container: 'app', containers: [{ name: 'app', last: { exitCode: 1, reason: 'Error' } }], logs: { app: logs },
});
const mount = (message: string, volume: Record<string, unknown> = { name: 'data', nfs: { server: '10.0.0.9', path: '/exports/data' } }): Case => ({
  name: 'wording', cause: 'volume-mount-failure', container: 'app',
  containers: [{ name: 'app', state: 'waiting', waiting: { reason: 'ContainerCreating' }, mounts: [{ name: 'data', mountPath: '/data' }] }],
  events: [{ reason: 'FailedMount', type: 'Warning', message, count: 6 }],
  volumes: [volume],
} as Case);
const first = (c: Case) => {
  const f = diagnose(buildSnapshot(c)).findings[0];
  if (!f) throw new Error('no finding');
  return f;
};

describe('mount failures in the mount\'s own terms', () => {
  it('a missing mount helper on the node is the NFS client package, not "check the PVC"', () => {
    const f = first(mount('MountVolume.SetUp failed for volume "data" : mount failed: exit status 32 Mounting command: mount Mounting arguments: -t nfs 10.0.0.9:/exports/data /var/lib/kubelet/pods/1/volumes/kubernetes.io~nfs/data Output: mount: /var/lib/kubelet/pods/1/volumes/kubernetes.io~nfs/data: bad option; for several filesystems (e.g. nfs, cifs) you might need a /sbin/mount.<type> helper program.'));
    expect(f.cause).toBe('volume-mount-failure');
    expect(f.title).toContain('no mount helper');
    expect(f.fix.summary).toMatch(/nfs-common[\s\S]*nfs-utils/);
    expect(f.fix.summary).toContain('10.0.0.9:/exports/data');
  });

  it('an export path the server does not have, and a server that refuses the node, say so', () => {
    const a = first(mount('MountVolume.SetUp failed for volume "data" : mount failed: exit status 32 Output: mount.nfs: mounting 10.0.0.9:/exports/data failed, reason given by server: No such file or directory'));
    expect(a.title).toContain('exported path does not exist');
    expect(a.fix.summary).toContain('10.0.0.9:/exports/data');
    const b = first(mount('MountVolume.SetUp failed for volume "data" : mount failed: exit status 32 Output: mount.nfs: access denied by server while mounting 10.0.0.9:/exports/data'));
    expect(b.title).toContain('refuses this node');
    expect(b.fix.summary).toContain('/etc/exports');
  });

  it('a block-device attach failure with exit 32 is not turned into an NFS story (near miss)', () => {
    const f = first(mount('MountVolume.MountDevice failed for volume "pvc-1" : rpc error: code = Internal desc = could not format "/dev/nvme2n1" and mount it at "/var/lib/kubelet/plugins/ebs/globalmount": mount failed: exit status 32', { name: 'data', persistentVolumeClaim: { claimName: 'data' } }));
    expect(f.cause).toBe('volume-mount-failure');
    expect(f.title).toContain('mounting failed');
    expect(f.fix.summary).not.toMatch(/NFS client|exports/);
  });
});

describe('subjects', () => {
  it('a library that cannot be loaded through another library names the missing one', () => {
    const f = first(crash("/usr/lib/ruby/gems/ffi/library.rb:145:in `ffi_lib': Could not open library 'libvips.so.42': libheif.so.1: cannot open shared object file: No such file or directory (LoadError)"));
    expect(f.cause).toBe('missing-dependency');
    expect(f.title).toContain('libheif.so.1');
  });

  it('a logfmt error whose closing quote was cut off is still quoted (and a complete one is unchanged)', () => {
    const cut = first(crash('level=error ts=2026-11-22T01:20:00Z caller=main.go:80 msg="error running service" err="open /var/lib/svc/state.db: permission denied'));
    expect(cut.title).toContain('error running service: open /var/lib/svc/state.db: permission denied');
    const whole = first(crash('level=error ts=2026-11-22T01:20:00Z caller=main.go:80 msg="error running service" err="open /var/lib/svc/state.db: permission denied" component=store'));
    expect(whole.title).toContain('error running service: open /var/lib/svc/state.db: permission denied');
    expect(whole.title).not.toContain('component=store');
  });
});

const probeKill = (logs: string, probePort: number, refusedPort: number): Case => ({
  name: 'wording', cause: 'liveness-probe-failed', container: 'web',
  containers: [{ name: 'web', last: { exitCode: 143, reason: 'Error' }, liveness: { httpGet: { path: '/healthz', port: probePort }, periodSeconds: 10, failureThreshold: 3 } }],
  events: [
    { reason: 'Unhealthy', type: 'Warning', message: `Liveness probe failed: Get "http://10.1.2.3:${refusedPort}/healthz": dial tcp 10.1.2.3:${refusedPort}: connect: connection refused`, container: 'web', count: 6 },
    { reason: 'Killing', message: 'Container web failed liveness probe, will be restarted', container: 'web', count: 2 },
  ],
  logs: { web: logs },
});

describe('a liveness probe on the wrong port', () => {
  it('a probe refused on one port while the app logs that it serves another names both ports', () => {
    const f = first(probeKill('2026-11-22 01:20:00 INFO  Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)', 8080, 8080));
    expect(f.cause).toBe('liveness-probe-failed');
    expect(f.fix.summary).toMatch(/^Point the liveness probe of web at port 8000: it checks port 8080/);
  });

  it('an app still starting on the probed port, or a client port in the log, keeps the general advice (near misses)', () => {
    const same = first(probeKill('INFO loading model weights...\nINFO HTTP server listening on :8080', 8080, 8080));
    expect(same.fix.summary).not.toMatch(/^Point the/);
    const client = first(probeKill('INFO cache client started, connecting to redis port 6379\nINFO warming up', 8080, 8080));
    expect(client.fix.summary).not.toMatch(/^Point the/);
  });
});

describe('who holds a port that is already in use', () => {
  const inUse = (over: Partial<Case> = {}): Case => ({
    name: 'wording', cause: 'port-in-use', container: 'proxy',
    containers: [{ name: 'proxy', last: { exitCode: 1, reason: 'Error' } }],
    logs: { proxy: 'F1122 01:20:00.000000       1 server.go:60] failed to start: listen tcp 0.0.0.0:9100: bind: address already in use' },
    ...over,
  });

  it('a hostNetwork pod: the node\'s port, found with ss on the node', () => {
    const snap = buildSnapshot(inUse());
    (snap.pod as { spec: Record<string, unknown> }).spec.hostNetwork = true;
    const f = diagnose(snap).findings[0];
    expect(f?.cause).toBe('port-in-use');
    expect(f?.fix.summary).toMatch(/runs with hostNetwork, so port 9100 is a port of node/);
    expect(f?.fix.summary).toContain('ss -ltnp | grep :9100');
  });

  it('a pod with a sibling names the sibling; a lone container looks inside itself (near misses of the hostNetwork advice)', () => {
    const sib = first(inUse({ containers: [{ name: 'proxy', last: { exitCode: 1, reason: 'Error' } }, { name: 'exporter', state: 'running' }] }));
    expect(sib.fix.summary).toContain('exporter may already listen on port 9100');
    expect(sib.fix.summary).not.toContain('hostNetwork');
    const lone = first(inUse());
    expect(lone.fix.summary).toContain('port 9100 is taken inside the container itself');
  });
});

describe('cloud identity refusals', () => {
  it('an EKS Pod Identity refusal gets the Pod Identity trust fix, not "check the Secret"', () => {
    const f = first(crash('{"level":"error","msg":"setup failed","error":"get credentials: failed to refresh cached credentials, failed to load credentials, : [1f2e]: (AccessDeniedException): Unauthorized Exception! EKS does not have permissions to assume the associated role., fault: client"}'));
    expect(f.cause).toBe('auth-failure');
    expect(f.fix.summary).toContain('pods.eks.amazonaws.com');
  });

  it('an IRSA refusal keeps its own fix, and an ordinary password refusal keeps the Secret fix (near misses)', () => {
    const irsa = first(crash('WebIdentityErr: failed to retrieve credentials\ncaused by: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity\n\tstatus code: 403'));
    expect(irsa.fix.summary).toContain('AssumeRoleWithWebIdentity');
    expect(irsa.fix.summary).not.toContain('pods.eks.amazonaws.com');
    const pw = first(crash('FATAL:  password authentication failed for user "app"'));
    expect(pw.fix.summary).not.toContain('pods.eks.amazonaws.com');
  });
});
