// N crash-looping Deployments on the bench's kwok cluster, spread over a few namespaces (one Slack
// channel each), made from the missing-module scenario's pod (kwok's crash stages do the looping).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CLUSTER_DIR } from '../../test/cluster/cluster.ts';
import type { BenchEnv } from './env.ts';
import { clusterHarness } from './scenario.ts';

export interface Workload {
  namespace: string;
  name: string;
  container: string;
  /** The pod the controller made (alert label), once it exists. */
  pod: string;
}

export interface Workloads {
  list: Workload[];
  /** Namespace -> Slack channel (CRASHLOOP_ROUTES YAML for the bot). */
  routesYaml: string;
  channels: string[];
  remove(): Promise<void>;
}

interface PodSpecDoc {
  metadata: { labels: Record<string, string>; annotations: Record<string, string> };
  spec: { containers: { name: string }[] };
}

export async function crashingWorkloads(env: BenchEnv, count: number, namespaces: number, log: (line: string) => void): Promise<Workloads> {
  const h = await clusterHarness(env);
  const template = parse(readFileSync(join(CLUSTER_DIR, 'scenarios/missing-module/pod.yaml'), 'utf8')) as PodSpecDoc;
  const container = template.spec.containers[0]?.name ?? 'web';
  const nss: string[] = [];
  for (let i = 0; i < namespaces; i += 1) nss.push(await h.newNamespace(`storm${i}`));
  const remove = async () => {
    for (const ns of nss) await h.deleteNamespace(ns);
  };
  try {
    const names = Array.from({ length: count }, (_, w) => ({ namespace: nss[w % nss.length] ?? '', name: `svc-${w}` }));
    for (const ns of nss) {
      const docs = names
        .filter((n) => n.namespace === ns)
        .map((n) =>
          stringify({
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: n.name, namespace: ns, labels: { app: n.name } },
            spec: {
              replicas: 1,
              selector: { matchLabels: { app: n.name } },
              template: { metadata: { labels: { ...template.metadata.labels, app: n.name }, annotations: template.metadata.annotations }, spec: template.spec },
            },
          }),
        );
      await h.kubectl(['apply', '-f', '-'], { input: docs.join('---\n') });
    }
    const t0 = Date.now();
    // Ready for a diagnosis: the pod exists and its container has terminated at least once.
    const pods = await h.waitFor(
      async () => {
        const found = new Map<string, string>();
        for (const ns of nss) {
          const list = await h.kubectlJson<{ items: { metadata: { name: string; labels?: Record<string, string> }; status?: { containerStatuses?: { restartCount: number }[] } }[] }>(['-n', ns, 'get', 'pods']);
          for (const p of list.items) if ((p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1) found.set(`${ns}/${p.metadata.labels?.app ?? ''}`, p.metadata.name);
        }
        return found.size >= count ? found : undefined;
      },
      { what: `${count} crash-looping pods`, timeoutMs: 240_000 },
    );
    log(`storm: ${count} crash-looping workloads ready in ${Date.now() - t0} ms`);
    const channels = nss.map((_, i) => `C0STORM${i}`);
    return {
      list: names.map((n) => ({ ...n, container, pod: pods.get(`${n.namespace}/${n.name}`) ?? '' })),
      routesYaml: stringify(nss.map((ns, i) => ({ match: { namespace: ns }, channel: channels[i] }))),
      channels,
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}
