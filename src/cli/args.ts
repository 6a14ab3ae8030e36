// Command-line parsing for `crashloop`, with node:util parseArgs. Pure: returns a command or throws CliError(USAGE).
import { parseArgs } from 'node:util';
import { CliError, EXIT } from './exit-codes.ts';

export type OutputFormat = 'text' | 'json';

export interface CommonOptions {
  debug: boolean;
  color?: boolean;
}

export interface ClusterOptions {
  namespace?: string;
  context?: string;
  kubeconfig?: string;
  /** Overall deadline for talking to the cluster, milliseconds. */
  timeoutMs: number;
}

export type Command =
  | ({ name: 'help'; topic?: string } & CommonOptions)
  | ({ name: 'version' } & CommonOptions)
  | ({ name: 'diagnose-file'; file: string; output: OutputFormat; rules?: string } & CommonOptions)
  | ({ name: 'diagnose'; target: string; output: OutputFormat; rules?: string } & ClusterOptions & CommonOptions)
  | ({ name: 'rules-test'; pack: string; snapshots: string[]; output: OutputFormat } & CommonOptions)
  | ({ name: 'rules-check'; pack: string } & CommonOptions)
  | ({ name: 'snapshot'; target: string } & ClusterOptions & CommonOptions)
  | ({ name: 'serve'; argv: string[] } & CommonOptions)
  | ({ name: 'feedback-export'; out: string; since?: string } & CommonOptions);

export const DEFAULT_TIMEOUT_SECONDS = 30;

const COMMANDS = ['diagnose', 'snapshot', 'rules', 'serve', 'help', 'version', 'feedback'];

function usage(message: string): CliError {
  return new CliError(EXIT.USAGE, `${message} Run \`crashloop --help\` for usage.`);
}

export function parseCommandLine(argv: string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined) return { name: 'help', debug: false };
  if (first === '--version' || first === '-V' || first === 'version') return { name: 'version', debug: false };
  if (first === '--help' || first === '-h') return { name: 'help', debug: false };
  if (first === 'help') return { name: 'help', topic: rest[0], debug: false };
  // `crashloop config [--help]`: the configuration reference.
  if (first === 'config') return { name: 'help', topic: 'config', debug: false };
  // `serve` takes its own options; everything after it belongs to the Slack app.
  if (first === 'serve') return { name: 'serve', argv: rest, debug: rest.includes('--debug') };
  if (first === 'feedback') return parseFeedbackArgs(rest);
  if (!COMMANDS.includes(first)) {
    const hint = first.startsWith('-') ? 'Put the command first (diagnose, snapshot, serve).' : `Unknown command "${first}".`;
    throw usage(hint);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        namespace: { type: 'string', short: 'n' },
        context: { type: 'string' },
        kubeconfig: { type: 'string' },
        output: { type: 'string', short: 'o' },
        snapshot: { type: 'string', short: 'f' },
        rules: { type: 'string' },
        timeout: { type: 'string' },
        debug: { type: 'boolean' },
        color: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw usage(err instanceof Error ? err.message.replace(/\.?$/, '.') : 'Invalid options.');
  }
  const { values, positionals } = parsed;
  const common: CommonOptions = { debug: values.debug === true };
  if (values['no-color']) common.color = false;
  else if (values.color) common.color = true;
  if (values.help) return { name: 'help', topic: first, ...common };

  const output = values.output ?? 'text';
  if (output !== 'text' && output !== 'json') throw usage(`--output must be text or json, not "${output}".`);
  if (first === 'rules') return rulesCommand(positionals, output, values, common);
  if (positionals.length > 1) throw usage(`Expected one target, got ${positionals.length}: ${positionals.join(' ')}.`);
  const target = positionals[0];

  let timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
  if (values.timeout !== undefined) {
    timeoutSeconds = Number(values.timeout.replace(/s$/, ''));
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw usage(`--timeout must be a positive number of seconds, not "${values.timeout}".`);
  }
  const cluster: ClusterOptions = { timeoutMs: Math.round(timeoutSeconds * 1000) };
  if (values.namespace !== undefined) cluster.namespace = values.namespace;
  if (values.context !== undefined) cluster.context = values.context;
  if (values.kubeconfig !== undefined) cluster.kubeconfig = values.kubeconfig;

  const rules = values.rules === undefined ? {} : { rules: values.rules };
  if (first === 'diagnose') {
    if (values.snapshot !== undefined) {
      if (target !== undefined) throw usage('Give either a target or --snapshot FILE, not both.');
      if (values.namespace !== undefined || values.context !== undefined || values.kubeconfig !== undefined) {
        throw usage('--namespace, --context and --kubeconfig do not apply to --snapshot.');
      }
      return { name: 'diagnose-file', file: values.snapshot, output, ...rules, ...common };
    }
    if (target === undefined) throw usage('Missing target: crashloop diagnose <pod|workload|ns/pod> or --snapshot FILE.');
    return { name: 'diagnose', target, output, ...rules, ...cluster, ...common };
  }
  if (values.rules !== undefined) throw usage('--rules applies to `crashloop diagnose` (and `crashloop rules`).');
  // snapshot
  if (values.snapshot !== undefined) throw usage('`crashloop snapshot` captures from the cluster; use `crashloop diagnose --snapshot FILE` for files.');
  if (values.output !== undefined && values.output !== 'json') throw usage('`crashloop snapshot` always prints JSON.');
  if (target === undefined) throw usage('Missing target: crashloop snapshot <pod|workload|ns/pod>.');
  return { name: 'snapshot', target, ...cluster, ...common };
}

/** `crashloop feedback export [--out DIR] [--since WHEN]`. */
function parseFeedbackArgs(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { out: { type: 'string', short: 'o' }, since: { type: 'string' }, debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    throw usage(err instanceof Error ? err.message.replace(/\.?$/, '.') : 'Invalid options.');
  }
  const { values, positionals } = parsed;
  const common: CommonOptions = { debug: values.debug === true };
  if (values.help) return { name: 'help', topic: 'feedback', ...common };
  if (positionals[0] !== 'export' || positionals.length > 1) throw usage(`Expected \`crashloop feedback export [--out DIR] [--since WHEN]\`${positionals.length === 0 ? '' : `, got "${positionals.join(' ')}"`}.`);
  if (values.out !== undefined && values.out.trim() === '') throw usage('--out needs a directory.');
  return { name: 'feedback-export', out: values.out ?? 'feedback-fixtures', ...(values.since === undefined ? {} : { since: values.since }), ...common };
}

/** `crashloop rules test <pack> <snapshot…>` and `crashloop rules check <pack>`. */
function rulesCommand(positionals: string[], output: OutputFormat, values: { snapshot?: string; namespace?: string; context?: string; kubeconfig?: string; rules?: string }, common: CommonOptions): Command {
  const [sub, pack, ...snapshots] = positionals;
  if (values.snapshot !== undefined || values.namespace !== undefined || values.context !== undefined || values.kubeconfig !== undefined || values.rules !== undefined) {
    throw usage('`crashloop rules` takes the pack and the snapshot files as arguments: crashloop rules test <pack> <snapshot…>.');
  }
  if (sub === 'test') {
    if (pack === undefined || snapshots.length === 0) throw usage('Missing arguments: crashloop rules test <pack file or directory> <snapshot.json…>.');
    return { name: 'rules-test', pack, snapshots, output, ...common };
  }
  if (sub === 'check') {
    if (pack === undefined) throw usage('Missing argument: crashloop rules check <pack file or directory>.');
    if (snapshots.length > 0) throw usage('`crashloop rules check` takes one pack; to try snapshots use `crashloop rules test <pack> <snapshot…>`.');
    return { name: 'rules-check', pack, ...common };
  }
  throw usage(sub === undefined ? 'Missing subcommand: crashloop rules test|check.' : `Unknown subcommand "rules ${sub}": use rules test or rules check.`);
}
