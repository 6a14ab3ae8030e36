// A ServiceAccount's own credentials on the e2e cluster: mint a token, build a token-only kubeconfig,
// run kubectl with it, and read `kubectl auth can-i --list` as a comparable set of grants.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { cluster, kubectl } from '../cluster/harness.ts';

export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

interface KubeconfigDoc {
  clusters: { name: string; cluster: Record<string, unknown> }[];
}

export async function mintToken(namespace: string, serviceAccount: string): Promise<string> {
  return (await kubectl(['-n', namespace, 'create', 'token', serviceAccount, '--duration', '1h'])).trim();
}

/** A kubeconfig for the test cluster that authenticates with a bearer token only. */
export async function tokenKubeconfig(token: string): Promise<string> {
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

/** Mints a token for the ServiceAccount and writes a token-only kubeconfig; returns its path and text. */
export async function serviceAccountKubeconfig(namespace: string, serviceAccount: string): Promise<{ file: string; text: string }> {
  const text = await tokenKubeconfig(await mintToken(namespace, serviceAccount));
  const file = join(cluster().dir, `${namespace}-${serviceAccount}.kubeconfig`);
  await writeFile(file, text, { mode: 0o600 });
  return { file, text };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** kubectl with the given kubeconfig only (never the admin one); resolves whatever the exit code. */
export function kubectlWith(kubeconfigFile: string, args: string[]): Promise<Run> {
  const c = cluster();
  return new Promise((resolve) => {
    execFile(join(c.binDir, 'kubectl'), ['--kubeconfig', kubeconfigFile, ...args], { timeout: 60_000, env: { PATH: process.env['PATH'] ?? '', HOME: c.dir } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * `kubectl auth can-i --list -n NS` as a set of "resource|resourceNames|nonResourceURLs verb" grants,
 * one per verb, so that merged rows and rule order do not matter.
 */
export async function canIList(kubeconfigFile: string, namespace: string): Promise<Set<string>> {
  const run = await kubectlWith(kubeconfigFile, ['auth', 'can-i', '--list', '-n', namespace]);
  if (run.code !== 0) throw new Error(`kubectl auth can-i --list failed: ${run.stderr}`);
  const grants = new Set<string>();
  for (const line of run.stdout.split('\n').slice(1)) {
    if (line.trim() === '') continue;
    // Columns: Resources, Non-Resource URLs, Resource Names, Verbs; the last three are bracketed lists.
    const m = /^(\S*)\s+(\[[^\]]*\])\s+(\[[^\]]*\])\s+\[([^\]]*)\]\s*$/.exec(line);
    if (m === null) throw new Error(`cannot read this line of kubectl auth can-i --list: ${line}`);
    for (const verb of (m[4] ?? '').split(' ').filter((v) => v !== '')) grants.add(`${m[1]}|${m[3]}|${m[2]} ${verb}`);
  }
  return grants;
}

/** The grants `kubectl auth can-i --list` shows for these RBAC rules, in the same notation. */
export function grantsOf(rules: Rule[]): Set<string> {
  const grants = new Set<string>();
  for (const rule of rules) {
    for (const group of rule.apiGroups) {
      for (const resource of rule.resources) {
        const [plural, sub] = resource.split('/');
        const name = `${plural}${group === '' ? '' : `.${group}`}${sub === undefined ? '' : `/${sub}`}`;
        for (const verb of rule.verbs) grants.add(`${name}|[${(rule.resourceNames ?? []).join(' ')}]|[] ${verb}`);
      }
    }
  }
  return grants;
}

/** Grants in `all` that `baseline` (what every authenticated identity has) does not hold. */
export function beyond(all: Set<string>, baseline: Set<string>): string[] {
  return [...all].filter((g) => !baseline.has(g)).sort();
}
