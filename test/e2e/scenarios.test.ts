// The crash simulations, checked through the built kubectl the way a person would look at them:
// `get pod -o yaml`, `get pod`, `describe pod`, `logs --previous` and the Events the kubelet would write.
import { readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import {
  SCENARIOS,
  applyScenario,
  cluster,
  deleteNamespace,
  failingStatus,
  kubectl,
  kubectlJson,
  newNamespace,
  scenario,
  waitFor,
  waitForScenario,
  type Scenario,
} from '../cluster/harness.ts';
import { watchPod } from '../cluster/watch-pod.ts';

const namespaces = new Map<string, string>();

async function podYaml(name: string): Promise<V1Pod> {
  const s = scenario(name);
  return parse(await kubectl(['-n', ns(name), 'get', 'pod', s.pod, '-o', 'yaml'])) as V1Pod;
}

function ns(name: string): string {
  const n = namespaces.get(name);
  if (!n) throw new Error(`scenario ${name} was not applied`);
  return n;
}

async function events(name: string): Promise<CoreV1Event[]> {
  const s = scenario(name);
  const list = await kubectlJson<{ items: CoreV1Event[] }>(['-n', ns(name), 'get', 'events',
    '--field-selector', `involvedObject.name=${s.pod}`]);
  return list.items;
}

function kubeletEvent(evs: CoreV1Event[], reason: string): CoreV1Event | undefined {
  return evs.find((e) => e.reason === reason && e.source?.component === 'kubelet');
}

/** STATUS column of `kubectl get pod`. */
async function statusColumn(s: Scenario): Promise<string> {
  const out = await kubectl(['-n', ns(s.name), 'get', 'pod', s.pod, '--no-headers']);
  return out.trim().split(/\s+/)[2] ?? '';
}

/** Local addresses (hex, as in /proc/net/tcp) of every listening TCP socket the given processes hold. */
async function listeningAddresses(pids: number[]): Promise<string[]> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    for (const fd of await readdir(`/proc/${pid}/fd`)) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m?.[1]) inodes.add(m[1]);
    }
  }
  const out: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (await readFile(table, 'utf8')).split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // sl local_address rem_address st … inode; st 0A = LISTEN
      if (cols.length > 9 && cols[3] === '0A' && inodes.has(cols[9] ?? '')) out.push(cols[1] ?? '');
    }
  }
  return out;
}

beforeAll(async () => {
  // Every scenario starts at once so they settle in parallel.
  await Promise.all(SCENARIOS.map(async (s) => {
    const n = await newNamespace(`sc-${s.name}`.slice(0, 40));
    namespaces.set(s.name, n);
    await applyScenario(s.name, n);
  }));
  await Promise.all(SCENARIOS.map((s) => waitForScenario(ns(s.name), s)));
});

afterAll(async () => {
  await Promise.all([...namespaces.values()].map((n) => deleteNamespace(n)));
});

describe('control plane', () => {
  it('serves on loopback only and fetched nothing', async () => {
    const c = cluster();
    const kubeconfig = parse(await readFile(c.kubeconfig, 'utf8')) as { clusters: { cluster: { server: string } }[] };
    for (const cl of kubeconfig.clusters) expect(new URL(cl.cluster.server).hostname).toBe('127.0.0.1');
    const nodes = await kubectlJson<{ items: { status?: { addresses?: { type: string; address: string }[] } }[] }>(['get', 'nodes']);
    expect(nodes.items.length).toBeGreaterThan(0);
    for (const n of nodes.items) {
      expect(n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address).toBe('127.0.0.1');
    }
    // kwokctl caches anything it downloads under cacheDir/<scheme>/<host>/…; binaries are local paths.
    expect((await readdir(join(c.dir, 'cache'))).filter((d) => d === 'http' || d === 'https')).toEqual([]);
    // Every control-plane process listens on 127.0.0.1 only.
    const pidDir = join(c.dir, 'kwok', 'clusters', c.name, 'pids');
    const pids = await Promise.all((await readdir(pidDir)).map(async (f) => Number((await readFile(join(pidDir, f), 'utf8')).trim())));
    expect(pids.length).toBe(5);
    const listening = await listeningAddresses(pids);
    expect(listening.length).toBeGreaterThanOrEqual(6);
    for (const a of listening) expect(a.split(':')[0]).toBe('0100007F');
    const version = await kubectl(['version', '-o', 'json']);
    expect((JSON.parse(version) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion).toMatch(/^v1\.\d+\.\d+$/);
  });
});

describe.each(SCENARIOS.filter((s) => s.restarts))('crash loop: $name', (s) => {
  it('reports the crash in status like a kubelet (get pod -o yaml)', async () => {
    const pod = await podYaml(s.name);
    const st = failingStatus(pod, s);
    expect(st).toBeDefined();
    expect(st?.restartCount).toBeGreaterThanOrEqual(2);
    expect(pod.status?.phase).toBe(s.containerType === 'init' ? 'Pending' : 'Running');
    const term = st?.lastState?.terminated;
    expect(term).toBeDefined();
    const ann = pod.metadata?.annotations ?? {};
    expect(term?.reason).toBe(ann['crashloop.test/reason']);
    expect(term?.exitCode).toBe(Number(ann['crashloop.test/exit-code']));
    expect(term?.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    if (st?.state?.waiting) {
      expect(st.state.waiting.reason).toBe('CrashLoopBackOff');
      expect(st.state.waiting.message).toBe(
        `back-off ${Math.min(300, 10 * 2 ** ((st.restartCount ?? 1) - 1))}s restarting failed container=${s.container} pod=${s.pod}_${ns(s.name)}(${pod.metadata?.uid})`);
    }
    if (s.containerType === 'init') {
      for (const c of pod.status?.containerStatuses ?? []) expect(c.state?.waiting?.reason).toBe('PodInitializing');
      expect(pod.status?.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('False');
    }
  });

  it('climbs restartCount through running, terminated and CrashLoopBackOff', async () => {
    // Record every distinct state the failing container goes through, from a watch: polling on a loaded
    // machine skipped the short running phase between two back-offs.
    const seen: { state: string; restartCount: number }[] = [];
    let startCount: number | undefined;
    await watchPod(cluster().kubeconfig, ns(s.name), s.pod, (pod) => {
      const st = failingStatus(pod, s);
      const state = st?.state?.running ? 'running' : st?.state?.terminated ? 'terminated' : (st?.state?.waiting?.reason ?? 'none');
      startCount ??= st?.restartCount ?? 0;
      const last = seen[seen.length - 1];
      if (!last || last.state !== state || last.restartCount !== st?.restartCount) {
        seen.push({ state, restartCount: st?.restartCount ?? -1 });
      }
      return (st?.restartCount ?? 0) >= startCount + 2 && state === 'CrashLoopBackOff';
    }, 180_000, `${s.name} to restart twice more`);
    const counts = seen.map((x) => x.restartCount);
    for (let i = 1; i < counts.length; i++) {
      const prev = counts[i - 1] ?? 0;
      expect([prev, prev + 1]).toContain(counts[i]);
    }
    const states = new Set(seen.map((x) => x.state));
    expect(states).toContain('running');
    expect(states).toContain('CrashLoopBackOff');
    // A restart happens only out of back-off, and the new run's lastState is the crash before it.
    for (let i = 1; i < seen.length; i++) {
      const cur = seen[i];
      const prev = seen[i - 1];
      if (cur && prev && cur.restartCount === prev.restartCount + 1) {
        expect(['running', 'terminated']).toContain(cur.state);
        expect(prev.state).toBe('CrashLoopBackOff');
      }
    }
  });

  it('shows as kubectl get pod and kubectl describe pod would', async () => {
    expect(s.settledStatus).toContain(await statusColumn(s));
    const pod = await podYaml(s.name);
    const term = failingStatus(pod, s)?.lastState?.terminated;
    const d = await kubectl(['-n', ns(s.name), 'describe', 'pod', s.pod]);
    expect(d).toMatch(/Last State:\s+Terminated/);
    expect(d).toMatch(new RegExp(`Reason:\\s+${term?.reason}`));
    expect(d).toMatch(new RegExp(`Exit Code:\\s+${term?.exitCode}`));
    expect(d).toMatch(/Restart Count:\s+[1-9]\d*/);
    expect(d).toContain(`Back-off restarting failed container ${s.container} in pod ${s.pod}_${ns(s.name)}`);
    expect(d).toMatch(/Warning\s+BackOff\s+.*kubelet/);
  });

  it('records the kubelet Events (BackOff with a count, fieldPath to the container)', async () => {
    const evs = await events(s.name);
    const backOff = kubeletEvent(evs, 'BackOff');
    expect(backOff?.type).toBe('Warning');
    expect(backOff?.count).toBeGreaterThanOrEqual(1);
    const list = s.containerType === 'init' ? 'initContainers' : 'containers';
    expect(backOff?.involvedObject.fieldPath).toBe(`spec.${list}{${s.container}}`);
    const started = kubeletEvent(evs, 'Started');
    expect(started?.message).toBe(`Started container ${s.container}`);
    expect(started?.count).toBeGreaterThanOrEqual(2);
  });

  it('serves the previous run\'s logs (kubectl logs --previous)', async () => {
    const out = await kubectl(['-n', ns(s.name), 'logs', s.pod, '-c', s.container, '--previous']);
    if (s.logLine) expect(out.split('\n')).toContain(s.logLine);
    else expect(out).toBe('');
    // Without --previous the kubelet serves the latest instance; the simulation logs the same run.
    const current = await kubectl(['-n', ns(s.name), 'logs', s.pod, '-c', s.container]);
    expect(current).toBe(out);
  });
});

describe('scenario specifics', () => {
  it('oom-killed: OOMKilled, exit 137, under a memory limit', async () => {
    const pod = await podYaml('oom-killed');
    expect(pod.spec?.containers[0]?.resources?.limits?.['memory']).toBe('256Mi');
    const term = failingStatus(pod, scenario('oom-killed'))?.lastState?.terminated;
    expect(term?.reason).toBe('OOMKilled');
    expect(term?.exitCode).toBe(137);
  });

  it('liveness-probe: Unhealthy ×3 per run, then Killing, from the kubelet', async () => {
    const evs = await events('liveness-probe');
    const unhealthy = kubeletEvent(evs, 'Unhealthy');
    expect(unhealthy?.type).toBe('Warning');
    expect(unhealthy?.message).toMatch(/^Liveness probe failed: Get "http:\/\/10\.244\.0\.12:8080\/healthz": context deadline exceeded/);
    const killing = kubeletEvent(evs, 'Killing');
    expect(killing?.message).toBe('Container worker failed liveness probe, will be restarted');
    expect(unhealthy?.count).toBe((killing?.count ?? 0) * 3);
    expect(unhealthy?.involvedObject.fieldPath).toBe('spec.containers{worker}');
    const d = await kubectl(['-n', ns('liveness-probe'), 'describe', 'pod', 'worker-liveness']);
    expect(d).toMatch(/Liveness:\s+http-get http:\/\/:8080\/healthz/);
    expect(d).toMatch(/Warning\s+Unhealthy\s+.*kubelet\s+(spec\.containers\{worker\}: )?Liveness probe failed/);
  });

  it('missing-secret: CreateContainerConfigError, never started', async () => {
    const s = scenario('missing-secret');
    const pod = await podYaml(s.name);
    expect(pod.status?.phase).toBe('Pending');
    const st = failingStatus(pod, s);
    expect(st?.state?.waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'secret "db-creds" not found' });
    expect(st?.restartCount).toBe(0);
    expect(st?.lastState?.terminated).toBeUndefined();
    expect(await statusColumn(s)).toBe('CreateContainerConfigError');
    const failed = kubeletEvent(await events(s.name), 'Failed');
    expect(failed?.message).toBe('Error: secret "db-creds" not found');
    await expect(kubectl(['-n', ns(s.name), 'get', 'secret', 'db-creds'])).rejects.toThrow(/NotFound|not found/);
  });

  it('image-pull: ErrImagePull then ImagePullBackOff with the kubelet\'s events', async () => {
    const s = scenario('image-pull');
    const pod = await podYaml(s.name);
    const st = failingStatus(pod, s);
    expect(st?.state?.waiting?.reason).toBe('ImagePullBackOff');
    expect(st?.state?.waiting?.message).toBe('Back-off pulling image "registry.example.com/shop/api:v9.9.9"');
    expect(await statusColumn(s)).toBe('ImagePullBackOff');
    const evs = await events(s.name);
    const messages = evs.filter((e) => e.reason === 'Failed').map((e) => e.message);
    expect(messages).toContain('Error: ErrImagePull');
    expect(messages).toContain('Error: ImagePullBackOff');
    expect(messages.some((m) => m?.startsWith('Failed to pull image "registry.example.com/shop/api:v9.9.9": rpc error: code = NotFound'))).toBe(true);
    expect(kubeletEvent(evs, 'Pulling')?.message).toBe('Pulling image "registry.example.com/shop/api:v9.9.9"');
  });

  it('init-crash: Init:CrashLoopBackOff in kubectl get, app waits in PodInitializing', async () => {
    const d = await kubectl(['-n', ns('init-crash'), 'describe', 'pod', 'app-init-crash']);
    expect(d).toMatch(/Init Containers:\s+migrate:/);
    expect(d).toMatch(/Reason:\s+PodInitializing/);
    const status = await waitFor(async () => {
      const col = await statusColumn(scenario('init-crash'));
      return col === 'Init:CrashLoopBackOff' ? col : undefined;
    }, { what: 'Init:CrashLoopBackOff in kubectl get', timeoutMs: 30_000 });
    expect(status).toBe('Init:CrashLoopBackOff');
  });

  it('exit-zero: Completed with exit 0 under restartPolicy Always', async () => {
    const pod = await podYaml('exit-zero');
    expect(pod.spec?.restartPolicy).toBe('Always');
    const term = failingStatus(pod, scenario('exit-zero'))?.lastState?.terminated;
    expect(term?.reason).toBe('Completed');
    expect(term?.exitCode).toBe(0);
  });

  it('an unlabelled pod simply runs (ordinary lifecycle stages are loaded)', async () => {
    const n = await newNamespace('plain');
    try {
      await kubectl(['-n', n, 'run', 'plain', '--image=registry.example.com/plain:1', '--restart=Always']);
      const pod = await waitFor(async () => {
        const p = await kubectlJson<V1Pod>(['-n', n, 'get', 'pod', 'plain']);
        return p.status?.phase === 'Running' ? p : undefined;
      }, { what: 'plain pod Running' });
      expect(pod.status?.containerStatuses?.[0]?.ready).toBe(true);
      expect(pod.status?.containerStatuses?.[0]?.restartCount).toBe(0);
      await kubectl(['-n', n, 'delete', 'pod', 'plain', '--wait=true', '--timeout=30s']);
    } finally {
      await deleteNamespace(n);
    }
  });
});
