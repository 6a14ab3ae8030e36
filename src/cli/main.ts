// The `crashloop` command. `main(argv)` returns the exit code; bin/crashloop.js sets it.
// Diagnosing a snapshot file loads only the engine: the Kubernetes client and the Slack app are
// imported dynamically by the commands that need them.
import { readFile } from 'node:fs/promises';
import type { Report, Snapshot } from '../../diagnostics/types.ts';
import type { RulePack } from '../../diagnostics/packs.ts';
import { ClusterError } from '../cluster/types.ts';
import { parseCommandLine, type ClusterOptions, type Command } from './args.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { FEEDBACK_HELP, HELP, SERVE_HELP } from './help.ts';
import { COLOR, PLAIN, renderText } from './render-text.ts';

interface Stream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: Stream;
  stderr: Stream;
  stdin: AsyncIterable<string | Uint8Array>;
  env: NodeJS.ProcessEnv;
}

function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

async function readVersion(): Promise<string> {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg: unknown = JSON.parse(await readFile(new URL(rel, import.meta.url), 'utf8'));
      if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next location (source checkout vs dist/)
    }
  }
  return 'unknown';
}

async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/** Reads and checks a snapshot file: JSON with a pod object; events and logs must have the right shape when present. */
export async function loadSnapshotFile(file: string, io: CliIo): Promise<Snapshot> {
  let text: string;
  try {
    text = file === '-' ? await readAll(io.stdin) : await readFile(file, 'utf8');
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : '';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : err instanceof Error ? err.message : String(err);
    throw new CliError(EXIT.BAD_SNAPSHOT, `Cannot read snapshot ${file}: ${why}.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliError(EXIT.BAD_SNAPSHOT, `Snapshot ${file === '-' ? 'on stdin' : file} is not valid JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
  // `kubectl get pod -o json` output is accepted as a snapshot with no events and no logs.
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'kind' in value && value.kind === 'Pod' && !('pod' in value)) {
    value = { pod: value, events: [], logs: {} };
  }
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) problems.push('it is not a JSON object');
  else {
    const record = value as Record<string, unknown>;
    const pod = record.pod;
    if (typeof pod !== 'object' || pod === null || Array.isArray(pod)) problems.push('"pod" (the Pod object) is missing');
    else if (typeof (pod as Record<string, unknown>).metadata !== 'object') problems.push('"pod.metadata" is missing');
    if (record.events != null && !Array.isArray(record.events)) problems.push('"events" must be an array');
    if (record.logs != null && (typeof record.logs !== 'object' || Array.isArray(record.logs))) problems.push('"logs" must be an object keyed by container');
  }
  if (problems.length > 0) {
    throw new CliError(EXIT.BAD_SNAPSHOT, `${file === '-' ? 'stdin' : file} is not a crashloop snapshot: ${problems.join('; ')}. Create one with \`crashloop snapshot <pod>\`.`);
  }
  const snapshot = value as Snapshot;
  // Absent or null events and logs mean "none captured".
  return { ...snapshot, events: snapshot.events ?? [], logs: snapshot.logs ?? {} };
}

function useColor(io: CliIo, flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return io.stdout.isTTY === true && io.env.TERM !== 'dumb';
}

function printReport(report: Report, output: 'text' | 'json', io: CliIo, color: boolean | undefined): void {
  if (output === 'json') io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(renderText(report, useColor(io, color) ? COLOR : PLAIN));
}

function progress(io: CliIo, message: string): void {
  if (io.stderr.isTTY) io.stderr.write(`${message}\n`);
}

/** Resolves the target and captures its snapshot; maps resolution failures to exit 3. */
async function captureTarget(target: string, options: ClusterOptions, io: CliIo): Promise<Snapshot> {
  const [{ createKubeGateway }, { resolveTarget }, { captureSnapshot }] = await Promise.all([
    import('../cluster/kube-gateway.ts'),
    import('../cluster/resolve-target.ts'),
    import('../cluster/capture-snapshot.ts'),
  ]);
  const gateway = createKubeGateway({ context: options.context, kubeconfig: options.kubeconfig, env: io.env, timeoutMs: Math.min(options.timeoutMs, 15_000) });
  const signal = AbortSignal.timeout(options.timeoutMs);
  progress(io, `resolving ${target} in ${gateway.cluster}…`);
  const resolved = await resolveTarget(gateway, { text: target, namespace: options.namespace }, signal);
  if (resolved.kind === 'not-found') throw new CliError(EXIT.NOT_FOUND, resolved.message);
  if (resolved.kind === 'ambiguous') {
    const list = resolved.candidates.map((c) => `  ${c.namespace}/${c.name}  (${c.reason})`).join('\n');
    throw new CliError(EXIT.NOT_FOUND, `"${target}" matches several pods; name one:\n${list}`);
  }
  const via = resolved.via ? ` (${resolved.via.kind} ${resolved.via.name})` : '';
  progress(io, `capturing ${resolved.namespace}/${resolved.name}${via}…`);
  return captureSnapshot(gateway, resolved.namespace, resolved.name, { signal });
}

async function serveCommand(argv: string[]): Promise<number> {
  // serve.ts belongs to the Slack app and may not exist yet: load it by computed name.
  const specifier = import.meta.url.endsWith('.ts') ? './serve.ts' : './serve.js';
  let mod: unknown;
  try {
    mod = await import(specifier);
  } catch (err) {
    const missing = err instanceof Error && 'code' in err && (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') && err.message.includes('serve');
    if (missing) throw new CliError(EXIT.USAGE, '`crashloop serve` is not available in this build yet (src/cli/serve.ts is missing).');
    throw err;
  }
  const serve = typeof mod === 'object' && mod !== null && 'serve' in mod ? mod.serve : undefined;
  if (typeof serve !== 'function') throw new CliError(EXIT.INTERNAL, '`crashloop serve` is broken: src/cli/serve.ts exports no serve(argv) function.');
  const code: unknown = await serve(argv);
  return typeof code === 'number' ? code : EXIT.OK;
}

async function run(command: Command, io: CliIo): Promise<number> {
  switch (command.name) {
    case 'help':
      if (command.topic === 'config') {
        // Generated from the zod schema of src/config.ts, loaded only for this topic.
        const { configHelpText } = await import('../config-reference.ts');
        io.stdout.write(configHelpText());
        return EXIT.OK;
      }
      io.stdout.write(command.topic === 'serve' ? SERVE_HELP : command.topic === 'feedback' ? FEEDBACK_HELP : HELP);
      return EXIT.OK;
    case 'version':
      io.stdout.write(`crashloop ${await readVersion()}\n`);
      return EXIT.OK;
    case 'serve':
      return serveCommand(command.argv);
    case 'diagnose-file': {
      // Packs first: an invalid pack stops the command before anything is read (exit 8).
      const packs = await packsFor(command.rules, io);
      const snapshot = await loadSnapshotFile(command.file, io);
      const { diagnose } = await import('../../diagnostics/index.ts');
      printReport(diagnose(snapshot, undefined, { packs }), command.output, io, command.color);
      return EXIT.OK;
    }
    case 'diagnose': {
      const packs = await packsFor(command.rules, io);
      const snapshot = await captureTarget(command.target, command, io);
      const { diagnose } = await import('../../diagnostics/index.ts');
      printReport(diagnose(snapshot, undefined, { packs }), command.output, io, command.color);
      return EXIT.OK;
    }
    case 'feedback-export': {
      // Loaded only here: the export talks to Redis, nothing else on the CLI's path does.
      const { feedbackExport, parseSince } = await import('./feedback-export.ts');
      return feedbackExport({ out: command.out, ...(command.since === undefined ? {} : { since: parseSince(command.since) }) }, io);
    }
    case 'rules-check': {
      const { loadPacksForCli } = await import('./rules.ts');
      const packs = loadPacksForCli(command.pack);
      if (packs.length === 0) throw new CliError(EXIT.BAD_RULES, `${command.pack} holds no rule pack files (*.yaml, *.yml).`);
      io.stdout.write(`${packs.map((p) => `${p.name}: ${p.rules.length} rule${p.rules.length === 1 ? '' : 's'} valid (${p.source ?? command.pack})`).join('\n')}\n`);
      return EXIT.OK;
    }
    case 'rules-test': {
      const { loadPacksForCli, renderRulesTest, rulesTestExitCode, testRules } = await import('./rules.ts');
      const packs = loadPacksForCli(command.pack);
      if (packs.length === 0) throw new CliError(EXIT.BAD_RULES, `${command.pack} holds no rule pack files (*.yaml, *.yml).`);
      const snapshots = [];
      for (const file of command.snapshots) snapshots.push({ file, snapshot: await loadSnapshotFile(file, io) });
      const result = testRules(packs, snapshots);
      io.stdout.write(command.output === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderRulesTest(result));
      return rulesTestExitCode(result);
    }
    case 'snapshot': {
      const snapshot = await captureTarget(command.target, command, io);
      const { redactSnapshot } = await import('../../diagnostics/index.ts');
      io.stdout.write(`${JSON.stringify(redactSnapshot(snapshot), null, 2)}\n`);
      return EXIT.OK;
    }
  }
}

/** The packs of `--rules`, else CRASHLOOP_RULES_DIR, else none. */
async function packsFor(flag: string | undefined, io: CliIo): Promise<RulePack[]> {
  const env = io.env.CRASHLOOP_RULES_DIR;
  const path = flag ?? (env !== undefined && env.trim() !== '' ? env.trim() : undefined);
  if (path === undefined) return [];
  const { loadPacksForCli } = await import('./rules.ts');
  return loadPacksForCli(path);
}

function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof ClusterError) return err.code === 'NOT_FOUND' ? EXIT.NOT_FOUND : EXIT.CLUSTER;
  return EXIT.INTERNAL;
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    return await run(parseCommandLine(argv), io);
  } catch (err) {
    const code = exitCodeOf(err);
    const message = err instanceof Error ? err.message : String(err);
    const prefix = code === EXIT.INTERNAL ? 'crashloop: unexpected error: ' : 'crashloop: ';
    io.stderr.write(`${prefix}${message}${code === EXIT.INTERNAL && !debug ? ' (rerun with --debug for details)' : ''}\n`);
    if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return code;
  }
}
