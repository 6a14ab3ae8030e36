// kubectl commands with the real pod, container and namespace filled in. Every command is an argv
// through shellCommand() (diagnostics/shell.ts): names are validated, anything else is quoted, so a
// snapshot's text can never turn into shell syntax in a copy-paste command.
import type { FixCommand } from './types.ts';
import type { Context, ContainerCtx } from './context.ts';
import { kubeName, kubeRef, shellCommand, type ShellArg } from './shell.ts';

/** A fix command from an argv: the only way the engine writes one. */
export function command(description: string, argv: readonly ShellArg[]): FixCommand {
  return { description, command: shellCommand(argv) };
}

/** The pod, namespace and (optionally) container as they may appear in a command: valid names or placeholders. */
export function names(ctx: Context, c?: ContainerCtx): { pod: string; ns: string; container: string } {
  return { pod: kubeName(ctx.podName, '<pod>'), ns: kubeName(ctx.namespace, '<namespace>'), container: kubeName(c?.name, '<container>') };
}

export function logsPrevious(ctx: Context, c: ContainerCtx): FixCommand {
  const n = names(ctx, c);
  return command('Read the logs of the crashed instance', ['kubectl', 'logs', n.pod, '-c', n.container, '--previous', '-n', n.ns]);
}
export function describePod(ctx: Context): FixCommand {
  const n = names(ctx);
  return command('See the container states and events', ['kubectl', 'describe', 'pod', n.pod, '-n', n.ns]);
}
export function podEvents(ctx: Context): FixCommand {
  const n = names(ctx);
  return command('List the pod events, newest last', ['kubectl', 'get', 'events', '-n', n.ns, '--field-selector', `involvedObject.name=${n.pod}`, '--sort-by=.lastTimestamp']);
}
/** "deployment/api" for commands: the owning workload when its kind and name are valid. */
export function workloadRef(ctx: Context): string {
  return kubeRef(ctx.workload, 'deployment/<name>');
}
export function debugCopy(ctx: Context, c: ContainerCtx): FixCommand {
  const n = names(ctx, c);
  return command('Start a copy of the pod whose container sleeps, then run the entrypoint by hand', ['kubectl', 'debug', n.pod, '-n', n.ns, '-it', `--copy-to=${n.pod}-debug`, `--container=${n.container}`, '--', 'sh']);
}
export function containerIndexPath(ctx: Context, c: ContainerCtx): string {
  const list = ctx.containers.filter((x) => (c.type === 'main' ? x.type === 'main' : x.type !== 'main'));
  const i = Math.max(0, list.findIndex((x) => x.name === c.name));
  return c.type === 'main' ? `.spec.containers[${i}]` : `.spec.initContainers[${i}]`;
}
export function showSpec(ctx: Context, c: ContainerCtx, field: string): FixCommand {
  const n = names(ctx, c);
  return command(`Show ${field} of container ${c.name}`, ['kubectl', 'get', 'pod', n.pod, '-n', n.ns, '-o', `jsonpath={${containerIndexPath(ctx, c)}.${field}}`]);
}

export const SLEEP_OVERRIDE = `# Keep the container alive to inspect it (revert afterwards):
command: ["sleep", "3600"]
args: []`;
