// Parses the text of `/crashloop …` into what to do and on which cluster. Pure. Names are checked by
// Kubernetes' rules (src/cluster/names.ts) here, so an invalid one is refused before a job exists.
import { nameProblem, shownName } from '../cluster/names.ts';

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
/** What CLUSTER_NAME accepts (src/config.ts); anything else cannot be a configured cluster. */
const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** name | namespace/name | kind/name | namespace/kind/name, each part checked by Kubernetes' rules. */
function targetProblem(parts: string[]): string | undefined {
  const name = parts[parts.length - 1] ?? '';
  const kind = parts.length === 3 ? parts[1] : parts.length === 2 && KIND_WORDS.has((parts[0] ?? '').toLowerCase()) ? parts[0] : undefined;
  if (parts.length === 3 && !KIND_WORDS.has((kind ?? '').toLowerCase())) return `\`${shownName(kind ?? '')}\` is not a kind I know: use deploy, sts, ds, rs, job or pod.`;
  const namespace = parts.length === 3 || (parts.length === 2 && kind === undefined) ? parts[0] : undefined;
  return (namespace === undefined ? undefined : nameProblem('namespace', namespace)) ?? nameProblem('object', name);
}

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
      return { kind: 'error', message: `I do not know the option \`${shownName(token)}\`. Try \`/crashloop help\`.` };
    }
    positional.push(token);
  }
  if (positional.length === 1 && positional[0]?.toLowerCase() === 'help') return { kind: 'help' };
  if (positional.length > 1) return { kind: 'error', message: `Give one pod or workload at a time (I read: ${shownName(positional.join(' '))}). Try \`/crashloop help\`.` };

  let target = positional[0];
  if (target !== undefined) {
    const parts = target.split('/');
    const notReference = `\`${shownName(target)}\` is not a pod reference. Use \`namespace/pod\`, \`pod -n namespace\` or a deployment name.`;
    if (parts.length > 3 || parts.some((p) => p === '')) return { kind: 'error', message: notReference };
    const [first = '', second = ''] = parts;
    // cluster/ns/pod, cluster/deploy/x or (several clusters) cluster/pod when the first segment names a
    // known cluster; ns/kind/name when the middle is a kind; else a 3-part path names a cluster we do not know.
    const known = ctx.clusters.includes(first) && !KIND_WORDS.has(first.toLowerCase());
    const prefixed = (parts.length === 3 && (known || !KIND_WORDS.has(second.toLowerCase()))) || (parts.length === 2 && known && ctx.clusters.length > 1);
    if (prefixed) {
      if (!CLUSTER_NAME.test(first)) return { kind: 'error', message: notReference };
      if (cluster !== undefined && cluster !== first) return { kind: 'error', message: `The cluster prefix \`${first}/\` and \`--cluster ${shownName(cluster)}\` disagree; use one.` };
      cluster = first;
      target = parts.slice(1).join('/');
    }
    const problem = targetProblem(target.split('/'));
    if (problem !== undefined) return { kind: 'error', message: problem };
  }
  if (namespace !== undefined) {
    const problem = nameProblem('namespace', namespace);
    if (problem !== undefined) return { kind: 'error', message: problem };
  }

  const chosen = cluster ?? ctx.clusters[0];
  if (chosen === undefined) return { kind: 'error', message: 'No cluster is configured. Set CLUSTER_NAME (or CRASHLOOP_CLUSTERS) for the bot.' };
  if (!ctx.clusters.includes(chosen)) return { kind: 'error', message: `I do not know a cluster called "${shownName(chosen)}". Known clusters: ${ctx.clusters.join(', ')}.` };
  if (target === undefined) return { kind: 'list', cluster: chosen };
  return { kind: 'diagnose', cluster: chosen, target: namespace === undefined ? { text: target } : { text: target, namespace } };
}
