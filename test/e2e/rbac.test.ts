// The raw RBAC manifests on a real API server, used with the crashloop-bot ServiceAccount's own token:
// deploy/rbac.yaml alone (the default install) captures a crashing pod with nothing missing, yet cannot
// read a Secret, impersonate (not even system:masters) or write, and `kubectl auth can-i --list` shows
// only its get/list rules; the opt-in debug, write and impersonation files add exactly their rules,
// only in the namespace they were applied to, and impersonation only for the listed names.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
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
import { applyScenario, deleteNamespace, kubectl, newNamespace, scenario, waitFor, waitForScenario } from '../cluster/harness.ts';
import { beyond, canIList, grantsOf, kubectlWith, serviceAccountKubeconfig, type Rule } from '../support/service-account.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const oom = scenario('oom-killed');
let ns = '';
let other = '';
let bot: { file: string; text: string };
let baseline: Set<string>;
const cleanup: string[][] = [];

const manifest = (path: string): Promise<string> => readFile(join(REPO, path), 'utf8');
const chartRules = async (capability: string): Promise<Rule[]> => parse(await manifest(`charts/crashloop-bot/files/rbac/${capability}.yaml`)) as Rule[];

beforeAll(async () => {
  ns = await newNamespace('rbac');
  other = await newNamespace('rbac-other');
  await applyScenario(oom.name, ns);
  await kubectl(['apply', '-f', join(REPO, 'deploy/rbac.yaml')]);
  // Tests elsewhere may have applied the opt-in cluster-scoped file; this file starts from the default.
  await kubectl(['delete', 'clusterrolebinding', 'crashloop-bot-impersonate', '--ignore-not-found']);
  await kubectl(['-n', ns, 'create', 'secret', 'generic', 'db', '--from-literal=password=fake-not-a-secret']);
  await kubectl(['-n', ns, 'create', 'serviceaccount', 'nothing']);
  await waitForScenario(ns, oom);
  bot = await serviceAccountKubeconfig('crashloop-bot', 'crashloop-bot');
  // What every authenticated identity may do (self-reviews, discovery): not granted by our manifests.
  baseline = await canIList((await serviceAccountKubeconfig(ns, 'nothing')).file, ns);
});

afterAll(async () => {
  for (const args of cleanup) await kubectl(args).catch(() => undefined);
  if (ns) await deleteNamespace(ns);
  if (other) await deleteNamespace(other);
});

describe('deploy/rbac.yaml: the default install reads only', () => {
  it('lets the ServiceAccount token capture a crashing pod with nothing missing', async () => {
    const gw = createKubeGateway({ kubeconfigText: bot.text, env: {} });
    expect(await resolveTarget(gw, { text: oom.pod, allowedNamespaces: [ns] })).toEqual({ kind: 'pod', namespace: ns, name: oom.pod });
    // kwok runs the pod, ready, for a moment between crashes, when it is rightly not listed: wait for a listing
    // taken between crashes.
    await waitFor(async () => (await listCrashingPods(gw)).some((p) => p.namespace === ns && p.name === oom.pod), { what: `${oom.pod} listed as crashing` });
    const snapshot = await captureSnapshot(gw, ns, oom.pod);
    expect(snapshot.gaps).toBeUndefined();
    expect(snapshot.logs[oom.container]?.previous).toContain(oom.logLine);
    expect(snapshot.node?.conditions?.length).toBeGreaterThan(0);
    expect(diagnose(snapshot).findings[0]?.cause).toBe(oom.expectedCause);
  });

  it('cannot read a Secret, not even by impersonating system:masters', async () => {
    const direct = await kubectlWith(bot.file, ['-n', ns, 'get', 'secret', 'db']);
    expect(direct.code).not.toBe(0);
    expect(direct.stderr).toMatch(/Forbidden.*cannot get resource "secrets"/);
    const masters = await kubectlWith(bot.file, ['--as=nobody', '--as-group=system:masters', '-n', ns, 'get', 'secret', 'db']);
    expect(masters.code).not.toBe(0);
    // v1.36 answers with its constrained-impersonation verb ("cannot impersonate-on:user-info:get"); older
    // servers with "cannot impersonate resource users". Both are the impersonation being refused.
    expect(masters.stderr).toMatch(/Forbidden.*cannot impersonate/);
    expect(masters.stdout).not.toContain('fake-not-a-secret');
  });

  it.each([
    ["'*' '*' -A", ['*', '*', '-A']],
    ['get secrets -A', ['get', 'secrets', '-A']],
    ['impersonate users', ['impersonate', 'users']],
    ['impersonate groups', ['impersonate', 'groups']],
    ['create pods', ['create', 'pods', '-n', 'NS']],
    ['delete pods', ['delete', 'pods', '-n', 'NS']],
    ['patch deployments.apps', ['patch', 'deployments.apps', '-n', 'NS']],
    ['patch pods --subresource=ephemeralcontainers', ['patch', 'pods', '--subresource=ephemeralcontainers', '-n', 'NS']],
    ['create pods --subresource=exec', ['create', 'pods', '--subresource=exec', '-n', 'NS']],
    ['create subjectaccessreviews', ['create', 'subjectaccessreviews.authorization.k8s.io']],
  ])('kubectl auth can-i %s: no', async (_, args) => {
    const run = await kubectlWith(bot.file, ['auth', 'can-i', ...args.map((a) => (a === 'NS' ? ns : a))]);
    expect(run.stdout.trim()).toBe('no');
    expect(run.code).toBe(1);
  });

  it('kubectl auth can-i --list shows exactly the diagnose and logs rules, all get or list', async () => {
    const granted = beyond(await canIList(bot.file, ns), baseline);
    expect(granted).toEqual([...grantsOf([...(await chartRules('diagnose')), ...(await chartRules('logs'))])].sort());
    expect(granted.map((g) => g.split(' ')[1]).filter((verb) => verb !== 'get' && verb !== 'list' && verb !== 'watch')).toEqual([]);
    // The baseline holds nothing but the self-reviews and discovery every identity has.
    expect([...baseline].filter((g) => !/^self\w+reviews\.|^\|\[\]\|\[/.test(g))).toEqual([]);
  });

  it('without pods/log still reports, with a gap for the logs', async () => {
    const role = `crashloop-e2e-nolog-${ns}`;
    await kubectl(['-n', ns, 'create', 'serviceaccount', 'nolog']);
    await kubectl(['apply', '-f', '-'], {
      input: [
        stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: role }, rules: await chartRules('diagnose') }),
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
    const gw = createKubeGateway({ kubeconfigText: (await serviceAccountKubeconfig(ns, 'nolog')).text, env: {} });
    // A capture taken while the container runs again also asks for its current logs (a second gap): take
    // the one captured between crashes, which the snapshot's own pod status shows.
    const snapshot = await waitFor(async () => {
      const s = await captureSnapshot(gw, ns, oom.pod);
      const status = s.pod.status?.containerStatuses?.find((c) => c.name === oom.container);
      return status?.state?.running === undefined ? s : undefined;
    }, { what: `a capture of ${oom.pod} between crashes` });
    expect(snapshot.logs[oom.container]).toEqual({ previous: null, current: null });
    expect(snapshot.gaps).toEqual([{ what: `logs/${oom.container} (previous)`, reason: expect.stringMatching(/^forbidden: .*pods\/log/) }]);
    const report = diagnose(snapshot);
    expect(report.gaps).toEqual(snapshot.gaps);
    expect(report.findings[0]?.cause).toBe(oom.expectedCause);
  });

  it('an identity with no rights fails on the pod itself: FORBIDDEN, CLI exit 4', async () => {
    const nobody = await serviceAccountKubeconfig(ns, 'nothing');
    const gw = createKubeGateway({ kubeconfigText: nobody.text, env: {} });
    await expect(captureSnapshot(gw, ns, oom.pod)).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('deploy/rbac.yaml') });
    const run = promisify(execFile);
    const err = await run(process.execPath, [join(REPO, 'bin/crashloop.js'), 'diagnose', `${ns}/${oom.pod}`, '--kubeconfig', nobody.file], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: EXIT.CLUSTER, stderr: expect.stringMatching(/^crashloop: Not allowed to read pod/) });
  });
});

describe('the opt-in capabilities add exactly their rules, where they are applied', () => {
  it('debug and write, applied with -n, grant their verbs in that namespace and nowhere else', async () => {
    await kubectl(['-n', ns, 'apply', '-f', join(REPO, 'deploy/rbac-debug.yaml')]);
    await kubectl(['-n', ns, 'apply', '-f', join(REPO, 'deploy/rbac-write.yaml')]);
    const read = [...(await chartRules('diagnose')), ...(await chartRules('logs'))];
    const inNs = beyond(await canIList(bot.file, ns), baseline);
    expect(inNs).toEqual([...grantsOf([...read, ...(await chartRules('debug')), ...(await chartRules('write'))])].sort());
    expect(beyond(await canIList(bot.file, other), baseline)).toEqual([...grantsOf(read)].sort());
    expect((await kubectlWith(bot.file, ['auth', 'can-i', 'create', 'pods', '-n', ns])).stdout.trim()).toBe('yes');
    expect((await kubectlWith(bot.file, ['auth', 'can-i', 'create', 'pods', '-n', other])).stdout.trim()).toBe('no');
    expect((await kubectlWith(bot.file, ['auth', 'can-i', 'get', 'secrets', '-n', ns])).stdout.trim()).toBe('no');
  });

  it('impersonation covers only the listed users and groups, never system:masters', async () => {
    const docs = parseAllDocuments(await manifest('deploy/rbac-impersonate.yaml')).map((d) => d.toJS() as { kind: string; rules?: Rule[] });
    await kubectl(['apply', '-f', join(REPO, 'deploy/rbac-impersonate.yaml')]);
    cleanup.push(['delete', 'clusterrolebinding', 'crashloop-bot-impersonate', '--ignore-not-found']);
    const rules = docs.find((d) => d.kind === 'ClusterRole')?.rules ?? [];
    const user = rules.find((r) => r.resources.includes('users'))?.resourceNames?.[0] ?? '';
    const group = rules.find((r) => r.resources.includes('groups'))?.resourceNames?.[0] ?? '';
    expect(user).toMatch(/^slack:/);
    const can = async (...args: string[]) => (await kubectlWith(bot.file, ['auth', 'can-i', ...args])).stdout.trim();
    expect(await can('impersonate', `users/${user}`)).toBe('yes');
    expect(await can('impersonate', `groups/${group}`)).toBe('yes');
    expect(await can('impersonate', 'users/nobody')).toBe('no');
    expect(await can('impersonate', 'groups/system:masters')).toBe('no');
    expect(await can('*', '*', '-A')).toBe('no');
    const masters = await kubectlWith(bot.file, ['--as', user, '--as-group=system:masters', '-n', ns, 'get', 'secret', 'db']);
    expect(masters.code).not.toBe(0);
    expect(masters.stderr).toMatch(/Forbidden.*cannot impersonate/);
    // As the listed user and group it is that user: who has no rights here, so still no Secret.
    const asUser = await kubectlWith(bot.file, ['--as', user, '--as-group', group, '-n', ns, 'get', 'secret', 'db']);
    expect(asUser.stderr).toMatch(new RegExp(`Forbidden.*User "${user}" cannot get resource "secrets"`));
  });
});
