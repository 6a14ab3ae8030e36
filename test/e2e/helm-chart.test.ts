// The Helm chart on the real API server. helm (built from the Go module proxy by build.sh) lints and
// renders charts/crashloop-bot for a matrix of values; every rendering passes a server-side dry run;
// then each rendering's RBAC is applied for real and the rendered ServiceAccount's minted token is
// used: it captures a crashing pod, and `kubectl auth can-i --list` shows exactly the rules the values
// grant (Secrets never, impersonation and writes only when granted, and only where granted).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { diagnose } from '../../diagnostics/index.ts';
import { parseRulePack } from '../../src/rule-packs/load.ts';
import { captureSnapshot } from '../../src/cluster/capture-snapshot.ts';
import { createKubeGateway } from '../../src/cluster/kube-gateway.ts';
import { applyScenario, cluster, deleteNamespace, kubectl, newNamespace, scenario, waitForScenario } from '../cluster/harness.ts';
import { beyond, canIList, grantsOf, kubectlWith, serviceAccountKubeconfig, type Rule } from '../support/service-account.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CHART = join(REPO, 'charts/crashloop-bot');
const oom = scenario('oom-killed');
const PAYMENTS_PACK = readFileSync(join(REPO, 'examples/rule-packs/payments.yaml'), 'utf8');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  rules?: Rule[];
  spec?: { template?: { spec: { containers: { name: string; env?: { name: string; value?: string }[]; volumeMounts?: { name: string; mountPath: string }[]; securityContext?: Record<string, unknown> }[]; volumes?: { name: string; configMap?: { name: string } }[]; securityContext?: Record<string, unknown> } } };
  data?: Record<string, string>;
}

let target = '';
let other = '';
let helmHome = '';
const releaseNamespaces: string[] = [];
const releases: string[] = [];

function helm(args: string[]): Promise<string> {
  const c = cluster();
  const env = { PATH: process.env['PATH'] ?? '', HELM_CACHE_HOME: join(helmHome, 'cache'), HELM_CONFIG_HOME: join(helmHome, 'config'), HELM_DATA_HOME: join(helmHome, 'data'), HOME: helmHome };
  return new Promise((resolve, reject) => {
    execFile(join(c.binDir, 'helm'), args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024, env }, (err, stdout, stderr) => {
      if (err) reject(new Error(`helm ${args.join(' ')} failed: ${stderr || stdout}`));
      else resolve(stdout);
    });
  });
}

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(path)));
    else if (entry.name.endsWith('.ts')) out.push(await readFile(path, 'utf8'));
  }
  return out;
}

const rules = async (capability: string): Promise<Rule[]> => parse(await readFile(join(CHART, `files/rbac/${capability}.yaml`), 'utf8')) as Rule[];

/** The values sets of the matrix; `target` is the namespace with the crashing pod. */
function matrix(): Record<string, Record<string, unknown>> {
  const base = { clusterName: 'e2e', alertChannel: 'C0123ABCD', existingSecret: 'crashloop-bot', redis: { auth: { existingSecret: 'crashloop-redis' } } };
  return {
    default: base,
    'read-only': {
      ...base,
      readOnly: true,
      actions: { debug: true, write: true, namespaces: [target] },
      identity: { impersonate: true, users: ['slack:U0123ALICE'] },
      rulePacksConfigMap: 'team-rule-packs',
    },
    'all-capabilities': {
      ...base,
      mode: 'all',
      routes: [{ match: { namespace: 'payments-*' }, channel: 'C0PAYMENTS' }],
      actions: { debug: true, write: true, namespaces: [target], dryRun: true, policy: 'rules:\n  - namespaces: ["*"]\n    debug: ["S0SRE"]\n    write: ["S0SRE"]\n' },
      identity: { impersonate: true, users: ['slack:U0123ALICE'], groups: ['crashloop-users'] },
      ingress: { enabled: true, host: 'crashloop.example.test', tlsSecretName: 'crashloop-tls' },
      metrics: { serviceMonitor: { enabled: true } },
      rulePacks: { 'payments.yaml': PAYMENTS_PACK },
    },
    'external-redis': {
      clusterName: 'e2e',
      existingSecret: 'crashloop-bot',
      slack: { socketMode: true },
      logs: { enabled: false },
      rbac: { readNamespaces: [target] },
      redis: { mode: 'external', external: { existingSecret: 'crashloop-redis-url', sentinel: { hosts: ['sentinel-0.example.test:26379'], master: 'main' } } },
    },
  };
}

/** What each values set must grant in `target` beyond the baseline, and in another namespace. */
async function expectedGrants(set: string): Promise<{ inTarget: Rule[]; elsewhere: Rule[] }> {
  const read = [...(await rules('diagnose')), ...(await rules('logs'))];
  switch (set) {
    case 'all-capabilities': {
      const identity: Rule[] = [
        ...(await rules('impersonate')),
        { apiGroups: [''], resources: ['users'], verbs: ['impersonate'], resourceNames: ['slack:U0123ALICE'] },
        { apiGroups: [''], resources: ['groups'], verbs: ['impersonate'], resourceNames: ['crashloop-users'] },
      ];
      return { inTarget: [...read, ...(await rules('debug')), ...(await rules('write')), ...identity], elsewhere: [...read, ...identity] };
    }
    case 'external-redis':
      return { inTarget: await rules('diagnose'), elsewhere: [] };
    default:
      return { inTarget: read, elsewhere: read };
  }
}

const rendered = new Map<string, { namespace: string; release: string; docs: Manifest[]; text: string }>();

beforeAll(async () => {
  helmHome = await mkdtemp(join(cluster().dir, 'helm-'));
  target = await newNamespace('chart-target');
  other = await newNamespace('chart-other');
  await applyScenario(oom.name, target);
  // The ServiceMonitor CRD, as the Prometheus Operator installs it (schema-less here): the dry run needs the kind.
  await kubectl(['apply', '-f', '-'], {
    input: stringify({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'servicemonitors.monitoring.coreos.com' },
      spec: {
        group: 'monitoring.coreos.com',
        names: { kind: 'ServiceMonitor', listKind: 'ServiceMonitorList', plural: 'servicemonitors', singular: 'servicemonitor' },
        scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    }),
  });
  await kubectl(['wait', '--for=condition=Established', 'crd/servicemonitors.monitoring.coreos.com', '--timeout=60s']);
  for (const [set, values] of Object.entries(matrix())) {
    const namespace = await newNamespace(`chart-${set}`);
    releaseNamespaces.push(namespace);
    const release = `crashloop-bot-${set}`;
    releases.push(release);
    const file = join(helmHome, `${set}.yaml`);
    await writeFile(file, stringify(values));
    await helm(['lint', CHART, '--strict', '--kube-version', 'v1.36.3', '-f', file]);
    const text = await helm(['template', release, CHART, '--namespace', namespace, '--kube-version', 'v1.36.3', '-f', file]);
    const docs = parseAllDocuments(text).map((d) => d.toJS() as Manifest | null).filter((d): d is Manifest => d !== null);
    rendered.set(set, { namespace, release, docs, text });
  }
  await waitForScenario(target, oom);
}, 600_000);

afterAll(async () => {
  for (const release of releases) {
    await kubectl(['delete', 'clusterrole,clusterrolebinding', '-l', `app.kubernetes.io/instance=${release}`, '--ignore-not-found']).catch(() => undefined);
  }
  await kubectl(['delete', 'crd', 'servicemonitors.monitoring.coreos.com', '--ignore-not-found', '--wait=false']).catch(() => undefined);
  for (const ns of [target, other, ...releaseNamespaces]) if (ns) await deleteNamespace(ns);
});

const SETS = ['default', 'read-only', 'all-capabilities', 'external-redis'];
const get = (set: string) => {
  const r = rendered.get(set);
  if (r === undefined) throw new Error(`values set ${set} was not rendered`);
  return r;
};

describe('rule packs', () => {
  const rulesDir = (d: Manifest) => d.spec?.template?.spec.containers[0]?.env?.find((e) => e.name === 'CRASHLOOP_RULES_DIR')?.value;
  const rulesVolume = (d: Manifest) => d.spec?.template?.spec.volumes?.find((v) => v.name === 'rules')?.configMap?.name;

  it('rulePacks: a ConfigMap the bot\'s loader accepts, mounted where the engine runs', () => {
    const { docs, release } = get('all-capabilities');
    const cm = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name.endsWith('-rules'));
    expect(Object.keys(cm?.data ?? {})).toEqual(['payments.yaml']);
    const problems: string[] = [];
    expect(parseRulePack(cm?.data?.['payments.yaml'] ?? '', 'payments.yaml', problems)?.name).toBe('payments');
    expect(problems).toEqual([]);
    const [all] = docs.filter((d) => d.kind === 'Deployment');
    expect(rulesDir(all!)).toBe('/etc/crashloop-rules');
    expect(rulesVolume(all!)).toBe(cm?.metadata.name);
    expect(all?.spec?.template?.spec.containers[0]?.volumeMounts).toContainEqual(expect.objectContaining({ name: 'rules', mountPath: '/etc/crashloop-rules' }));
    expect(release).toContain('all-capabilities');
  });

  it('rulePacksConfigMap: the named ConfigMap on the workers only; no packs, no mount', () => {
    const deployments = get('read-only').docs.filter((d) => d.kind === 'Deployment');
    const worker = deployments.find((d) => d.metadata.name.endsWith('-worker'));
    const web = deployments.find((d) => d.metadata.name.endsWith('-web'));
    expect(rulesVolume(worker!)).toBe('team-rule-packs');
    expect(rulesDir(worker!)).toBe('/etc/crashloop-rules');
    expect(rulesDir(web!)).toBeUndefined();
    expect(get('read-only').docs.some((d) => d.kind === 'ConfigMap' && d.metadata.name.endsWith('-rules'))).toBe(false);
    for (const d of get('default').docs.filter((x) => x.kind === 'Deployment')) expect(rulesDir(d)).toBeUndefined();
  });
});

describe.each(SETS)('values set %s', (set) => {
  it('passes kubectl apply --dry-run=server', async () => {
    const { docs, text } = get(set);
    // Every namespaced object carries its namespace (the release's, or an actions namespace): no -n.
    const out = await kubectl(['apply', '--dry-run=server', '-f', '-'], { input: text });
    expect(out.trim().split('\n')).toHaveLength(docs.length);
    for (const line of out.trim().split('\n')) expect(line).toMatch(/ (created|configured|unchanged) \(server dry run\)$/);
  });

  it('renders strict pods: non-root, read-only root, no privilege escalation, capabilities dropped, seccomp', () => {
    const workloads = get(set).docs.filter((d) => d.kind === 'Deployment' || d.kind === 'StatefulSet');
    expect(workloads.length).toBeGreaterThan(0);
    for (const w of workloads) {
      expect(w.spec?.template?.spec.securityContext, w.metadata.name).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const c of w.spec?.template?.spec.containers ?? []) {
        expect(c.securityContext, `${w.metadata.name}/${c.name}`).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      }
    }
  });

  it('sets only environment variables the bot reads (named in src/), and no secret by value', async () => {
    const source = (await sourceFiles(join(REPO, 'src'))).join('\n');
    const env = get(set).docs.filter((d) => d.kind === 'Deployment').flatMap((d) => d.spec?.template?.spec.containers.flatMap((c) => c.env ?? []) ?? []);
    expect(env.length).toBeGreaterThan(0);
    for (const e of env) {
      if (e.name === 'REDIS_PASSWORD') continue; // only expanded into REDIS_URL by Kubernetes
      expect(new RegExp(`\\b${e.name}\\b`).test(source), `${e.name} is not read by the bot`).toBe(true);
      if (/TOKEN|SECRET|PASSWORD/.test(e.name)) expect(e.value, e.name).toBeUndefined();
    }
  });

  it("the rendered ServiceAccount's token captures a crashing pod and can do exactly what the values grant", async () => {
    const { namespace, docs } = get(set);
    const rbac = docs.filter((d) => ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].includes(d.kind));
    await kubectl(['apply', '-f', '-'], { input: rbac.map((d) => stringify(d)).join('---\n') });
    const sa = docs.find((d) => d.kind === 'ServiceAccount')?.metadata.name ?? '';
    const token = await serviceAccountKubeconfig(namespace, sa);
    await kubectl(['-n', namespace, 'create', 'serviceaccount', 'nothing']);
    const baseline = await canIList((await serviceAccountKubeconfig(namespace, 'nothing')).file, target);

    const snapshot = await captureSnapshot(createKubeGateway({ kubeconfigText: token.text, env: {} }), target, oom.pod);
    expect(diagnose(snapshot).findings[0]?.cause).toBe(oom.expectedCause);
    const expected = await expectedGrants(set);
    if (expected.inTarget.some((r) => r.resources.includes('pods/log'))) expect(snapshot.logs[oom.container]?.previous).toContain(oom.logLine);
    else expect(snapshot.gaps?.map((g) => g.what)).toContain(`logs/${oom.container} (previous)`);

    expect(beyond(await canIList(token.file, target), baseline)).toEqual([...grantsOf(expected.inTarget)].sort());
    expect(beyond(await canIList(token.file, other), baseline)).toEqual([...grantsOf(expected.elsewhere)].sort());

    const can = async (...args: string[]) => (await kubectlWith(token.file, ['auth', 'can-i', ...args])).stdout.trim();
    expect(await can('get', 'secrets', '-A')).toBe('no');
    expect(await can('*', '*', '-A')).toBe('no');
    expect(await can('impersonate', 'groups/system:masters')).toBe('no');
    const masters = await kubectlWith(token.file, ['--as=nobody', '--as-group=system:masters', '-n', target, 'get', 'secrets']);
    expect(masters.stderr).toMatch(/Forbidden.*cannot impersonate/);
    const writes = set === 'all-capabilities' ? 'yes' : 'no';
    expect(await can('patch', 'deployments.apps', '-n', target)).toBe(writes);
    expect(await can('create', 'pods', '-n', target)).toBe(writes);
    expect(await can('patch', 'deployments.apps', '-n', other)).toBe('no');
  });
});

describe('the chart and the raw manifests', () => {
  it("the default rendering grants exactly deploy/rbac.yaml's rules, with the same kind of binding", async () => {
    const raw = parseAllDocuments(await readFile(join(REPO, 'deploy/rbac.yaml'), 'utf8')).map((d) => d.toJS() as Manifest);
    const strip = (docs: Manifest[]) => docs.filter((d) => /Role/.test(d.kind)).map((d) => ({ kind: d.kind, rules: d.rules }));
    expect(strip(get('default').docs)).toEqual(strip(raw));
  });

  it('the default rendering has no Role or ClusterRole beyond the read role', () => {
    const roles = get('default').docs.filter((d) => d.kind === 'Role' || d.kind === 'ClusterRole').map((d) => d.metadata.name);
    expect(roles).toEqual(['crashloop-bot-default-read']);
  });

  it('refuses unsafe values with a message saying what to set', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ actions: { debug: true } }, /actions\.namespaces/],
      [{ actions: { write: true, namespaces: ['payments-*'] } }, /actions[./]namespaces/],
      [{ identity: { impersonate: true } }, /identity\.users/],
      [{ identity: { impersonate: true, groups: ['system:masters'] } }, /identity[./]groups/],
      [{ slack: { socketMode: true }, ingress: { enabled: true } }, /Socket Mode/],
      [{ redis: { mode: 'external', external: { url: 'redis://:hunter2@redis:6379' } } }, /redis[./]external/],
      [{ existingSecret: '' }, /existingSecret/],
    ];
    for (const [values, message] of cases) {
      const file = join(helmHome, 'refused.yaml');
      await writeFile(file, stringify({ clusterName: 'e2e', existingSecret: 'crashloop-bot', redis: { auth: { existingSecret: 'crashloop-redis' } }, ...values }));
      const refusal = await helm(['template', 'refused', CHART, '--kube-version', 'v1.36.3', '-f', file]).then(() => 'rendered', (e: unknown) => String(e));
      expect(refusal, JSON.stringify(values)).toMatch(message);
      expect(refusal).not.toContain('hunter2');
    }
  });
});
