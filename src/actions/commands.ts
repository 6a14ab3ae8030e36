// The copy-paste commands the actions post (exec into a debug copy, attach to an ephemeral container,
// follow a rollout), built like every other command by diagnostics/shell.ts: names validated, all quoted.
import { kubeName, shellCommand } from '../../diagnostics/shell.ts';

/** `kubectl exec -it <pod> -n <ns> -c <container> -- sh`; `target` may be "deployment/api". */
export function execCommand(namespace: string, target: string, container: string): string {
  const slash = target.indexOf('/');
  const ref = slash === -1 ? kubeName(target, '<pod>') : `${target.slice(0, slash).replace(/[^a-z]/g, '') || 'pod'}/${kubeName(target.slice(slash + 1), '<name>')}`;
  return shellCommand(['kubectl', 'exec', '-it', ref, '-n', kubeName(namespace, '<namespace>'), '-c', kubeName(container, '<container>'), '--', 'sh']);
}

/** `kubectl attach -it <pod> -n <ns> -c <container>`. */
export function attachCommand(namespace: string, pod: string, container: string): string {
  return shellCommand(['kubectl', 'attach', '-it', kubeName(pod, '<pod>'), '-n', kubeName(namespace, '<namespace>'), '-c', kubeName(container, '<container>')]);
}

/** `kubectl rollout status <kind>/<name> -n <ns>`. */
export function rolloutStatusCommand(namespace: string, kind: string, name: string): string {
  return shellCommand(['kubectl', 'rollout', 'status', `${kind.toLowerCase().replace(/[^a-z]/g, '')}/${kubeName(name, '<name>')}`, '-n', kubeName(namespace, '<namespace>')]);
}
