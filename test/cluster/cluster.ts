// Bring a kwok control plane up and down: real etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler and kwok-controller processes (kwokctl's binary runtime), on 127.0.0.1 only, from the
// binaries test/cluster/build.sh cached. Nothing is downloaded: kwokctl runs behind a dead proxy.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { allStages } from './stages.ts';

const run = promisify(execFile);

export const CLUSTER_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(CLUSTER_DIR, '../..');

/** Everything a test needs to reach the cluster. Serializable (global setup hands it to tests). */
export interface ClusterInfo {
  name: string;
  /** Temporary directory holding the kubeconfig, kwok's workdir and logs; removed on stop. */
  dir: string;
  kubeconfig: string;
  /** Directory with kubectl, kwokctl, etcd, alertmanager… (CRASHLOOP_BIN_DIR). */
  binDir: string;
  /** Names of the simulated nodes (InternalIP 127.0.0.1). */
  nodes: string[];
}

export const NODE_ANNOTATION = 'kwok.x-k8s.io/node';

/** The bin dir: $CRASHLOOP_BIN_DIR if set, else whatever build.sh prints (building on a cold cache). */
export async function resolveBinDir(): Promise<string> {
  const fromEnv = process.env['CRASHLOOP_BIN_DIR'];
  // A bin dir from before helm joined it lacks helm: build.sh then adds it (cached parts return at once).
  if (fromEnv && existsSync(join(fromEnv, 'kwokctl')) && existsSync(join(fromEnv, 'helm'))) return fromEnv;
  const { stdout } = await run('bash', [join(CLUSTER_DIR, 'build.sh'), 'all'], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60 * 60 * 1000,
  });
  const lines = stdout.trim().split('\n');
  const dir = lines[lines.length - 1] ?? '';
  if (!existsSync(join(dir, 'kwokctl'))) throw new Error(`build.sh did not produce a bin dir (got "${dir}")`);
  return dir;
}

async function versions(): Promise<Record<string, string>> {
  const text = await readFile(join(CLUSTER_DIR, 'versions.sh'), 'utf8');
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^CRASHLOOP_(\w+)_VERSION="v?([^"]+)"/gm)) out[m[1] ?? ''] = m[2] ?? '';
  return out;
}

/** Environment for kwokctl: its own workdir, our kubeconfig, and a proxy that refuses every download. */
function kwokEnv(dir: string, binDir: string): NodeJS.ProcessEnv {
  const dead = 'http://127.0.0.1:9';
  return {
    ...process.env,
    PATH: `${binDir}:${process.env['PATH'] ?? ''}`,
    KWOK_WORKDIR: join(dir, 'kwok'),
    KUBECONFIG: join(dir, 'kubeconfig'),
    HTTP_PROXY: dead,
    HTTPS_PROXY: dead,
    http_proxy: dead,
    https_proxy: dead,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  };
}

async function kwokctl(info: Pick<ClusterInfo, 'dir' | 'binDir'>, args: string[], timeoutMs = 300_000): Promise<string> {
  try {
    const { stdout, stderr } = await run(join(info.binDir, 'kwokctl'), args, {
      env: kwokEnv(info.dir, info.binDir),
      timeout: timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
    });
    return `${stdout}${stderr}`;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`kwokctl ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err });
  }
}

async function kubectlRaw(info: Pick<ClusterInfo, 'binDir' | 'kubeconfig'>, args: string[], input?: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      join(info.binDir, 'kubectl'),
      ['--kubeconfig', info.kubeconfig, ...args],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr || err.message}`, { cause: err }));
        else resolvePromise(stdout);
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

function nodeManifest(name: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node-role.kubernetes.io/agent': '',
        type: 'kwok',
      },
    },
    spec: {},
    status: {
      // InternalIP only: the apiserver reaches a node's kubelet (here kwok's server, for pods/log) by the
      // first address in its preference order, and a Hostname would need DNS and bypass NO_PROXY.
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
    },
  });
}

export async function waitUntil<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A free loopback port from the kernel's ephemeral range. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** Creates a fresh cluster with the crash Stages loaded and `nodeCount` Ready nodes. */
export async function startCluster(opts: { binDir?: string; nodeCount?: number } = {}): Promise<ClusterInfo> {
  const binDir = opts.binDir ?? (await resolveBinDir());
  const dir = await mkdtemp(join(tmpdir(), 'crashloop-e2e-'));
  const name = `crashloop-${process.pid}-${randomBytes(3).toString('hex')}`;
  const info: ClusterInfo = { name, dir, binDir, kubeconfig: join(dir, 'kubeconfig'), nodes: [] };
  try {
    const v = await versions();
    // kwokctl hands out ports counting down from 32767 and only knows about clusters in its own
    // workdir, so two runs starting together (two engineers, two CI jobs) pick the same ports.
    // Ports from the kernel's ephemeral range do not collide that way.
    const ports: number[] = [];
    while (ports.length < 6) {
      const p = await freePort();
      if (!ports.includes(p)) ports.push(p);
    }
    const [etcdPort, etcdPeerPort, kubeApiserverPort, kwokControllerPort, kubeControllerManagerPort, kubeSchedulerPort] = ports;
    await mkdir(join(dir, 'cache'), { recursive: true });
    const config = stringify({
      apiVersion: 'config.kwok.x-k8s.io/v1alpha1',
      kind: 'KwokctlConfiguration',
      options: {
        runtime: 'binary',
        bindAddress: '127.0.0.1',
        etcdPort,
        etcdPeerPort,
        kubeApiserverPort,
        kwokControllerPort,
        kubeControllerManagerPort,
        kubeSchedulerPort,
        kubeVersion: v['K8S'],
        etcdVersion: v['ETCD'],
        kwokVersion: v['KWOK'],
        cacheDir: join(dir, 'cache'),
        kubeApiserverBinary: join(binDir, 'kube-apiserver'),
        kubeControllerManagerBinary: join(binDir, 'kube-controller-manager'),
        kubeSchedulerBinary: join(binDir, 'kube-scheduler'),
        kubectlBinary: join(binDir, 'kubectl'),
        kwokControllerBinary: join(binDir, 'kwok'),
        etcdBinary: join(binDir, 'etcd'),
        kubeAuthorization: true,
        enableCRDs: ['Stage', 'Logs', 'ClusterLogs'],
      },
    });
    await writeFile(join(dir, 'kwokctl.yaml'), config);
    await kwokctl(info, ['create', 'cluster', '--name', name, '--config', join(dir, 'kwokctl.yaml'),
      '--kubeconfig', info.kubeconfig, '--wait', '2m', '--timeout', '5m']);
    await writeFile(join(dir, 'stages.yaml'), allStages());
    await waitUntil('the Stage CRD', () => kubectlRaw(info, ['get', 'crd', 'stages.kwok.x-k8s.io', '-o', 'name']));
    await kubectlRaw(info, ['apply', '-f', join(dir, 'stages.yaml')]);
    const nodeCount = opts.nodeCount ?? 1;
    for (let i = 0; i < nodeCount; i++) {
      const node = `kwok-node-${i}`;
      await kubectlRaw(info, ['create', '-f', '-'], nodeManifest(node));
      info.nodes.push(node);
    }
    for (const node of info.nodes) {
      await waitUntil(`node ${node} Ready`, async () => {
        const out = await kubectlRaw(info, ['get', 'node', node, '-o',
          'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
        return out.trim() === 'True';
      }, 60_000);
    }
    await waitUntil('the default ServiceAccount', () => kubectlRaw(info, ['-n', 'default', 'get', 'serviceaccount', 'default', '-o', 'name']));
    await writeFile(join(dir, 'cluster.json'), JSON.stringify(info, null, 2));
    return info;
  } catch (err) {
    // CRASHLOOP_KEEP_CLUSTER=1 keeps a half-started cluster for debugging (npm run cluster:down later).
    if (process.env['CRASHLOOP_KEEP_CLUSTER'] === '1') {
      await writeFile(join(dir, 'cluster.json'), JSON.stringify(info, null, 2));
      throw new Error(`${err instanceof Error ? err.message : String(err)} (cluster kept in ${dir})`, { cause: err });
    }
    await stopCluster(info).catch(() => undefined);
    throw err;
  }
}

async function killLeftovers(dir: string): Promise<void> {
  const pidDir = join(dir, 'kwok', 'clusters');
  if (!existsSync(pidDir)) return;
  const pidFiles: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.pid')) pidFiles.push(p);
    }
  };
  await walk(pidDir);
  for (const f of pidFiles) {
    const pid = Number((await readFile(f, 'utf8')).trim());
    if (!Number.isInteger(pid) || pid <= 1) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Deletes the cluster, kills any process it left, and removes its directory. Safe to call twice. */
export async function stopCluster(info: Pick<ClusterInfo, 'name' | 'dir' | 'binDir'>): Promise<void> {
  if (!existsSync(info.dir)) return;
  try {
    await kwokctl(info, ['delete', 'cluster', '--name', info.name, '--kubeconfig', join(info.dir, 'kubeconfig')], 120_000);
  } finally {
    await killLeftovers(info.dir);
    await rm(info.dir, { recursive: true, force: true });
  }
}
