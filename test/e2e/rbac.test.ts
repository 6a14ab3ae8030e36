// deploy/rbac.yaml on a real API server with RBAC: a token for the crashloop-bot ServiceAccount can
// capture a crashing pod with nothing missing; a role without pods/log yields a report with a gap;
// an identity with no rights fails on the pod with FORBIDDEN (exit 4 from the CLI).
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { diagnose } from '../../diagnostics/index.ts';
import { captureSnapshot } from '../../src/cluster/capture-snapshot.ts';
import { createKubeGateway } from '../../src/cluster/kube-gateway.ts';
import { listCrashingPods, resolveTarget } from '../../src/cluster/resolve-target.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { applyScenario, cluster, deleteNamespace, kubectl, newNamespace, scenario, waitForScenario } from '../cluster/harness.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const oom = scenario('oom-killed');
let ns: string;
const cleanup: string[][] = [];

interface KubeconfigDoc {
  clusters: { name: string; cluster: Record<string, unknown> }[];
}

/** A kubeconfig for the test cluster that authenticates with a bearer token only. */
async function tokenKubeconfig(token: string): Promise<string> {
  const admin = parse(await readFile(cluster().kubeconfig, 'utf8')) as KubeconfigDoc;
  const first = admin.clusters[0];
  if (!first) throw new Error('the cluster kubeconfig has no cluster');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'e2e', cluster: first.cluster }],
    users: [{ name: 'sa', user: { token } }],
    contexts: [{ name: 'sa@e2e', context: { cluster: 'e2e', user: 'sa' } }],
    'current-context': 'sa@e2e',
  });
}

async function mintToken(namespace: string, serviceAccount: string): Promise<string> {
  return (await kubectl(['-n', namespace, 'create', 'token', serviceAccount, '--duration', '1h'])).trim();
}

/** The read-only part of deploy/rbac.yaml (the actions section is optional and not under test here). */
async function readOnlyRbac(): Promise<string> {
  const docs = parseAllDocuments(await readFile(join(REPO, 'deploy/rbac.yaml'), 'utf8'))
    .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string } } | null)
    .filter((d): d is { kind?: string; metadata?: { name?: string } } => d !== null && d !== undefined);
  return docs.filter((d) => !(d.metadata?.name ?? '').endsWith('-actions')).map((d) => stringify(d)).join('---\n');
}

beforeAll(async () => {
  ns = await newNamespace('rbac');
  await applyScenario(oom.name, ns);
  await kubectl(['apply', '-f', '-'], { input: await readOnlyRbac() });
  await waitForScenario(ns, oom);
});

afterAll(async () => {
  for (const args of cleanup) await kubectl(args).catch(() => undefined);
  if (ns) await deleteNamespace(ns);
});

describe('deploy/rbac.yaml', () => {
  it('holds only read verbs in the read role', async () => {
    const docs = parseAllDocuments(await readFile(join(REPO, 'deploy/rbac.yaml'), 'utf8')).map((d) => d.toJS() as { kind?: string; metadata?: { name?: string }; rules?: { verbs: string[] }[] });
    const read = docs.find((d) => d.kind === 'ClusterRole' && d.metadata?.name === 'crashloop-bot-read');
    expect(read?.rules?.flatMap((r) => r.verbs).every((v) => v === 'get' || v === 'list')).toBe(true);
  });

  it('lets the crashloop-bot ServiceAccount capture a crashing pod with nothing missing', async () => {
    const gw = createKubeGateway({ kubeconfigText: await tokenKubeconfig(await mintToken('crashloop-bot', 'crashloop-bot')), env: {} });
    expect(await resolveTarget(gw, { text: oom.pod, allowedNamespaces: [ns] })).toEqual({ kind: 'pod', namespace: ns, name: oom.pod });
    expect((await listCrashingPods(gw)).map((p) => `${p.namespace}/${p.name}`)).toContain(`${ns}/${oom.pod}`);
    const snapshot = await captureSnapshot(gw, ns, oom.pod);
    expect(snapshot.gaps).toBeUndefined();
    expect(snapshot.logs[oom.container]?.previous).toContain(oom.logLine);
    expect(snapshot.node?.conditions?.length).toBeGreaterThan(0);
    expect(diagnose(snapshot).findings[0]?.cause).toBe(oom.expectedCause);
  });

  it('without pods/log still reports, with a gap for the logs', async () => {
    const role = `crashloop-e2e-nolog-${ns}`;
    const rules = (parseAllDocuments(await readOnlyRbac()).map((d) => d.toJS() as { kind?: string; rules?: { resources: string[] }[] }).find((d) => d.kind === 'ClusterRole')?.rules ?? [])
      .map((r) => ({ ...r, resources: r.resources.filter((x) => x !== 'pods/log') }))
      .filter((r) => r.resources.length > 0);
    await kubectl(['-n', ns, 'create', 'serviceaccount', 'nolog']);
    await kubectl(['apply', '-f', '-'], {
      input: [
        stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: role }, rules }),
        stringify({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: role },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
          subjects: [{ kind: 'ServiceAccount', name: 'nolog', namespace: ns }],
        }),
      ].join('---\n'),
    });
    cleanup.push(['delete', 'clusterrolebinding', role, '--ignore-not-found'], ['delete', 'clusterrole', role, '--ignore-not-found']);
    const gw = createKubeGateway({ kubeconfigText: await tokenKubeconfig(await mintToken(ns, 'nolog')), env: {} });
    const snapshot = await captureSnapshot(gw, ns, oom.pod);
    expect(snapshot.logs[oom.container]).toEqual({ previous: null, current: null });
    expect(snapshot.gaps).toEqual([{ what: `logs/${oom.container} (previous)`, reason: expect.stringMatching(/^forbidden: .*pods\/log/) }]);
    const report = diagnose(snapshot);
    expect(report.gaps).toEqual(snapshot.gaps);
    expect(report.findings[0]?.cause).toBe(oom.expectedCause);
  });

  it('an identity with no rights fails on the pod itself: FORBIDDEN, CLI exit 4', async () => {
    await kubectl(['-n', ns, 'create', 'serviceaccount', 'nobody']);
    const kubeconfigText = await tokenKubeconfig(await mintToken(ns, 'nobody'));
    const gw = createKubeGateway({ kubeconfigText, env: {} });
    await expect(captureSnapshot(gw, ns, oom.pod)).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('deploy/rbac.yaml') });
    const file = join(cluster().dir, `${ns}-nobody.kubeconfig`);
    await writeFile(file, kubeconfigText);
    const run = promisify(execFile);
    const err = await run(process.execPath, [join(REPO, 'bin/crashloop.js'), 'diagnose', `${ns}/${oom.pod}`, '--kubeconfig', file], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: EXIT.CLUSTER, stderr: expect.stringMatching(/^crashloop: Not allowed to read pod/) });
  });
});
