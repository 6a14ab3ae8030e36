// kubectl commands with the real pod, container and namespace filled in.
import type { FixCommand } from './types.ts';
import type { Context, ContainerCtx } from './context.ts';

export function logsPrevious(ctx: Context, c: ContainerCtx): FixCommand {
  return { description: 'Read the logs of the crashed instance', command: `kubectl logs ${ctx.podName} -c ${c.name} --previous -n ${ctx.namespace}` };
}
export function describePod(ctx: Context): FixCommand {
  return { description: 'See the container states and events', command: `kubectl describe pod ${ctx.podName} -n ${ctx.namespace}` };
}
export function podEvents(ctx: Context): FixCommand {
  return { description: 'List the pod events, newest last', command: `kubectl get events -n ${ctx.namespace} --field-selector involvedObject.name=${ctx.podName} --sort-by=.lastTimestamp` };
}
export function workloadRef(ctx: Context): string {
  return ctx.workload ?? `deployment/<name>`;
}
export function debugCopy(ctx: Context, c: ContainerCtx): FixCommand {
  return {
    description: 'Start a copy of the pod whose container sleeps, then run the entrypoint by hand',
    command: `kubectl debug ${ctx.podName} -n ${ctx.namespace} -it --copy-to=${ctx.podName}-debug --container=${c.name} -- sh`,
  };
}
export function containerIndexPath(ctx: Context, c: ContainerCtx): string {
  const list = ctx.containers.filter((x) => (c.type === 'main' ? x.type === 'main' : x.type !== 'main'));
  const i = Math.max(0, list.findIndex((x) => x.name === c.name));
  return c.type === 'main' ? `.spec.containers[${i}]` : `.spec.initContainers[${i}]`;
}
export function showSpec(ctx: Context, c: ContainerCtx, field: string): FixCommand {
  return { description: `Show ${field} of container ${c.name}`, command: `kubectl get pod ${ctx.podName} -n ${ctx.namespace} -o jsonpath='{${containerIndexPath(ctx, c)}.${field}}'` };
}

export const SLEEP_OVERRIDE = `# Keep the container alive to inspect it (revert afterwards):
command: ["sleep", "3600"]
args: []`;
