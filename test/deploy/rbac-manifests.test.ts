// The raw RBAC manifests in deploy/ hold exactly the chart's capability rules
// (charts/crashloop-bot/files/rbac/*.yaml, which the chart's templates include), so the two install
// paths cannot drift; and each file grants only what its capability needs. The real API server proves
// the effect in test/e2e/rbac.test.ts and test/e2e/helm-chart.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}
interface Doc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

const docs = (path: string): Doc[] =>
  parseAllDocuments(readFileSync(join(ROOT, path), 'utf8'))
    .map((d) => d.toJS() as Doc | null)
    .filter((d): d is Doc => d !== null);
const chartRules = (capability: string): Rule[] => parse(readFileSync(join(ROOT, `charts/crashloop-bot/files/rbac/${capability}.yaml`), 'utf8')) as Rule[];
const rulesOf = (path: string, kind: string): Rule[] => {
  const roles = docs(path).filter((d) => d.kind === kind);
  expect(roles, `${path} has one ${kind}`).toHaveLength(1);
  return roles[0]?.rules ?? [];
};
const READ_VERBS = new Set(['get', 'list', 'watch']);
const SA = { kind: 'ServiceAccount', name: 'crashloop-bot', namespace: 'crashloop-bot' };

describe('deploy/rbac.yaml (the default install)', () => {
  it('equals the chart default: capability diagnose + logs', () => {
    expect(rulesOf('deploy/rbac.yaml', 'ClusterRole')).toEqual([...chartRules('diagnose'), ...chartRules('logs')]);
  });

  it('holds only read verbs, and nothing on secrets, configmaps, exec or impersonation', () => {
    const rules = rulesOf('deploy/rbac.yaml', 'ClusterRole');
    expect(rules.flatMap((r) => r.verbs).filter((v) => !READ_VERBS.has(v))).toEqual([]);
    const resources = rules.flatMap((r) => r.resources);
    for (const forbidden of ['secrets', 'configmaps', 'pods/exec', 'pods/attach', 'users', 'groups', 'serviceaccounts', '*']) expect(resources).not.toContain(forbidden);
    expect(rules.flatMap((r) => r.apiGroups)).not.toContain('*');
  });

  it('creates only the namespace, the service account, the read ClusterRole and its binding', () => {
    expect(docs('deploy/rbac.yaml').map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'Namespace/crashloop-bot',
      'ServiceAccount/crashloop-bot',
      'ClusterRole/crashloop-bot-read',
      'ClusterRoleBinding/crashloop-bot-read',
    ]);
    const binding = docs('deploy/rbac.yaml').find((d) => d.kind === 'ClusterRoleBinding');
    expect(binding?.roleRef).toMatchObject({ kind: 'ClusterRole', name: 'crashloop-bot-read' });
    expect(binding?.subjects).toEqual([SA]);
  });
});

describe.each([
  ['deploy/rbac-debug.yaml', 'debug'],
  ['deploy/rbac-write.yaml', 'write'],
])('%s (opt-in, per namespace)', (path, capability) => {
  it(`equals the chart's ${capability} capability`, () => {
    expect(rulesOf(path, 'Role')).toEqual(chartRules(capability));
  });

  it('is a Role and RoleBinding without a namespace, so it lands only where `kubectl -n` puts it', () => {
    const all = docs(path);
    expect(all.map((d) => d.kind)).toEqual(['Role', 'RoleBinding']);
    for (const d of all) expect(d.metadata.namespace).toBeUndefined();
    expect(all[1]?.roleRef).toMatchObject({ kind: 'Role', name: all[0]?.metadata.name });
    expect(all[1]?.subjects).toEqual([SA]);
  });

  it('grants no read of secrets, no exec and no impersonation', () => {
    const resources = rulesOf(path, 'Role').flatMap((r) => r.resources);
    for (const forbidden of ['secrets', 'pods/exec', 'pods/attach', 'users', 'groups', '*']) expect(resources).not.toContain(forbidden);
  });
});

describe('deploy/rbac-impersonate.yaml (opt-in identity mode)', () => {
  const rules = () => rulesOf('deploy/rbac-impersonate.yaml', 'ClusterRole');

  it('holds the chart capability rule plus impersonation of users and groups', () => {
    expect(rules()[0]).toEqual(chartRules('impersonate')[0]);
    expect(rules().slice(1).map((r) => [r.resources, r.verbs])).toEqual([
      [['users'], ['impersonate']],
      [['groups'], ['impersonate']],
    ]);
  });

  it('narrows every impersonate rule by resourceNames, none of them a system identity', () => {
    const impersonate = rules().filter((r) => r.verbs.includes('impersonate'));
    expect(impersonate.length).toBeGreaterThan(0);
    for (const rule of impersonate) {
      expect(rule.resourceNames?.length ?? 0).toBeGreaterThan(0);
      for (const name of rule.resourceNames ?? []) expect(name).not.toMatch(/^system:|^\*$/);
    }
    expect(rules().flatMap((r) => r.resources)).not.toContain('serviceaccounts');
  });
});
