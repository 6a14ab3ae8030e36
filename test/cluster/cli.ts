// Hand-debugging entry points: `npm run cluster:up` starts a cluster that stays up, prints how to
// reach it and records it in a state file; `npm run cluster:down` deletes it;
// `npm run cluster:scenario -- <name> [namespace]` applies a crash scenario to it.
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, stopCluster, type ClusterInfo } from './cluster.ts';

const STATE = process.env['CRASHLOOP_CLUSTER_STATE'] ?? join(tmpdir(), 'crashloop-dev-cluster.json');

async function load(): Promise<ClusterInfo | undefined> {
  if (!existsSync(STATE)) return undefined;
  return JSON.parse(await readFile(STATE, 'utf8')) as ClusterInfo;
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (cmd === 'up') {
    const old = await load();
    if (old && existsSync(old.dir)) throw new Error(`a cluster is already up (${old.name}); run npm run cluster:down first`);
    const info = await startCluster();
    await writeFile(STATE, JSON.stringify(info, null, 2));
    process.stdout.write(`cluster ${info.name} is up (state: ${STATE})\n`);
    process.stdout.write(`export KUBECONFIG=${info.kubeconfig}\nexport PATH=${info.binDir}:$PATH\n`);
    process.stdout.write(`kubectl get nodes    # the built kubectl, not /usr/bin/kubectl\n`);
    return;
  }
  if (cmd === 'down') {
    const info = await load();
    if (!info) {
      process.stdout.write('no cluster recorded\n');
      return;
    }
    await stopCluster(info);
    await rm(STATE, { force: true });
    process.stdout.write(`cluster ${info.name} deleted\n`);
    return;
  }
  if (cmd === 'scenario') {
    const info = await load();
    if (!info) throw new Error('no cluster: run npm run cluster:up first');
    process.env['CRASHLOOP_CLUSTER_JSON'] = JSON.stringify(info);
    const { applyScenario, kubectl, newNamespace } = await import('./harness.ts');
    const [name, nsArg] = rest;
    if (!name) throw new Error('usage: cli.ts scenario <name> [namespace]');
    const ns = nsArg ?? (await newNamespace(name));
    if (nsArg) await kubectl(['create', 'namespace', ns]).catch(() => undefined);
    const s = await applyScenario(name, ns);
    process.stdout.write(`applied ${name}: kubectl -n ${ns} get pod ${s.pod} -w\n`);
    return;
  }
  throw new Error('usage: node test/cluster/cli.ts up|down|scenario <name> [namespace]');
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
