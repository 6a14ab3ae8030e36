// Every update of one pod, in order, from a Kubernetes watch: a test that must see each state a pod goes
// through (running, terminated, CrashLoopBackOff, …) cannot rely on polling, which on a loaded machine
// skips states that last less than one poll. A watch that ends (server timeout) resumes from the last
// resourceVersion seen, so no update is missed.
import { KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';

/** Calls `onPod` with the pod and each update of it until it returns true; rejects after `timeoutMs`. */
export function watchPod(kubeconfig: string, namespace: string, name: string, onPod: (pod: V1Pod) => boolean, timeoutMs: number, what: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const watch = new Watch(kc);
  return new Promise<void>((resolve, reject) => {
    let finished = false;
    let controller: AbortController | undefined;
    let resourceVersion: string | undefined;
    const finish = (error?: Error): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      controller?.abort();
      if (error === undefined) resolve();
      else reject(error);
    };
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms watching for ${what}`)), timeoutMs);
    const start = (): void => {
      const query: Record<string, string | boolean> = { fieldSelector: `metadata.name=${name}`, allowWatchBookmarks: true };
      if (resourceVersion !== undefined) query.resourceVersion = resourceVersion;
      watch
        .watch(
          `/api/v1/namespaces/${namespace}/pods`,
          query,
          (phase, object: V1Pod) => {
            if (finished) return;
            resourceVersion = object.metadata?.resourceVersion ?? resourceVersion;
            if (phase === 'BOOKMARK' || phase === 'DELETED') return;
            try {
              if (onPod(object)) finish();
            } catch (error) {
              finish(error instanceof Error ? error : new Error(String(error)));
            }
          },
          (error: unknown) => {
            if (finished) return;
            // 410 Gone: our resourceVersion was compacted; the test cannot know what it missed.
            if (error !== null && error !== undefined && /410|Gone|too old/i.test(String(error))) finish(new Error(`the watch lost its place (${String(error)})`));
            else start();
          },
        )
        .then((c) => {
          controller = c;
          if (finished) c.abort();
        }, (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))));
    };
    start();
  });
}
