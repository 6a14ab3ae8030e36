// Parses the text of `/crashloop …` into what to do and on which cluster. Pure.

export type ParsedCommand =
  | { kind: 'help' }
  | { kind: 'list'; cluster: string }
  | { kind: 'diagnose'; cluster: string; target: { text: string; namespace?: string } }
  | { kind: 'error'; message: string };

export interface CommandContext {
  /** Known clusters; the first is the default. */
  clusters: string[];
}

const KIND_WORDS = new Set(['deploy', 'deployment', 'deployments', 'sts', 'statefulset', 'ds', 'daemonset', 'rs', 'replicaset', 'job', 'pod', 'po', 'pods']);
const NAME = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

export function parseCommand(text: string, ctx: CommandContext): ParsedCommand {
  const tokens = text.trim().split(/\s+/).filter((t) => t !== '');
  let cluster: string | undefined;
  let namespace: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] ?? '';
    const flag = /^(--cluster|-n|--namespace)(?:=(.*))?$/.exec(token);
    if (flag !== null) {
      const value = flag[2] ?? tokens[i + 1];
      if (flag[2] === undefined) i += 1;
      if (value === undefined || value === '' || value.startsWith('-')) return { kind: 'error', message: `${flag[1]} needs a value, e.g. \`${flag[1] === '--cluster' ? '--cluster prod' : '-n payments'}\`.` };
      if (flag[1] === '--cluster') cluster = value;
      else namespace = value;
      continue;
    }
    if (token.startsWith('-') && token !== '-') {
      if (token === '-h' || token === '--help') return { kind: 'help' };
      return { kind: 'error', message: `I do not know the option \`${token}\`. Try \`/crashloop help\`.` };
    }
    positional.push(token);
  }
  if (positional.length === 1 && positional[0]?.toLowerCase() === 'help') return { kind: 'help' };
  if (positional.length > 1) return { kind: 'error', message: `Give one pod or workload at a time (I read: ${positional.join(' ')}). Try \`/crashloop help\`.` };

  let target = positional[0];
  if (target !== undefined) {
    const parts = target.split('/');
    const first = parts[0] ?? '';
    // cluster/ns/pod, cluster/deploy/x, or cluster/pod when the first segment names a known cluster.
    const prefixed = parts.length === 3 || (parts.length === 2 && ctx.clusters.includes(first) && !KIND_WORDS.has(first.toLowerCase()) && ctx.clusters.length > 1);
    if (prefixed) {
      if (cluster !== undefined && cluster !== first) return { kind: 'error', message: `The cluster prefix \`${first}/\` and \`--cluster ${cluster}\` disagree; use one.` };
      cluster = first;
      target = parts.slice(1).join('/');
    }
    if (parts.length > 3 || target.split('/').some((p) => p === '')) return { kind: 'error', message: `\`${positional[0]}\` is not a pod reference. Use \`namespace/pod\`, \`pod -n namespace\` or a deployment name.` };
    const last = target.split('/').pop() ?? '';
    if (!NAME.test(last.toLowerCase())) return { kind: 'error', message: `\`${last}\` is not a valid Kubernetes name (lower-case letters, digits, "-" and ".").` };
  }
  if (namespace !== undefined && !NAME.test(namespace)) return { kind: 'error', message: `\`${namespace}\` is not a valid namespace name.` };

  const chosen = cluster ?? ctx.clusters[0];
  if (chosen === undefined) return { kind: 'error', message: 'No cluster is configured. Set CLUSTER_NAME (or CRASHLOOP_CLUSTERS) for the bot.' };
  if (!ctx.clusters.includes(chosen)) return { kind: 'error', message: `I do not know a cluster called "${chosen}". Known clusters: ${ctx.clusters.join(', ')}.` };
  if (target === undefined) return { kind: 'list', cluster: chosen };
  return { kind: 'diagnose', cluster: chosen, target: namespace === undefined ? { text: target } : { text: target, namespace } };
}
