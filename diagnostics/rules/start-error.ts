// The container runtime could not start the entrypoint: command-not-found, not-executable,
// exec-format-error. The runtime's message (StartError / RunContainerError / CreateContainerError,
// exit 128) is decisive; exit codes 127 and 126 alone are the shell saying the same.
import type { CauseId, Evidence, Finding, Rule } from '../types.ts';
import type { Context, ContainerCtx } from '../context.ts';
import { eventEvidence, lastTermination, statusEvidence } from '../evidence.ts';
import { makeFinding, perFailingContainer } from '../finding.ts';

const POD_START_EVENT = /^(?:Failed|FailedCreatePodSandBox|FailedCreatePodContainer|FailedStart|FailedSync)$/;
const START_REASONS = /^(?:StartError|ContainerCannotRun|RunContainerError|CreateContainerError)$/;

export interface StartClass { cause: CauseId; title: string; subject?: string }

// runc dies while handing the config to the container's init process ("write init-p: broken pipe", "read init-p:
// connection reset by peer", "container init caused", "cannot start a container that has stopped") when the memory
// limit is too small for the init process itself: with a small limit that is the memory limit, not the image.
const RUNC_INIT_FAILURE = /init-p: (?:broken pipe|connection reset by peer)|container init caused|cannot start a container that has stopped|runc did not terminate successfully/i;
const SMALL_LIMIT_BYTES = 64 * 1024 * 1024;

function bytesOf(q: string | undefined): number | undefined {
  const m = q ? /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G|k)?$/.exec(q.trim()) : null;
  if (!m) return undefined;
  const unit = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, K: 1e3, k: 1e3, M: 1e6, G: 1e9 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * unit;
}

function initFailureUnderSmallLimit(c: ContainerCtx, msg: string): StartClass | undefined {
  const limit = bytesOf(c.memoryLimit);
  if (!RUNC_INIT_FAILURE.test(msg) || limit === undefined || limit > SMALL_LIMIT_BYTES) return undefined;
  return { cause: 'oom-killed', title: `the runtime cannot start its init process under the ${c.memoryLimit} memory limit (too low to start at all)` };
}

export function classifyStartMessage(msg: string): StartClass | undefined {
  // runc says it with the numbers: "set memory limit 10485760 too low; should be at least 12582912 bytes".
  if (/OOM-killed|memory limit (?:of )?(?:\d+ ?\w{0,3} )?too low|out of memory/i.test(msg)) return { cause: 'oom-killed', title: 'the container was OOM-killed while starting (memory limit too low)' };
  // The runtime refuses a memory limit below its own minimum (Docker: "Minimum memory limit allowed is 6MB").
  const minimum = /[Mm]inimum memory limit (?:allowed )?(?:is|of) (\d+ ?[KMG]i?B?)|memory limit (?:is )?(?:below|under|less than) the minimum/.exec(msg);
  if (minimum) return { cause: 'oom-killed', title: `the runtime refuses a memory limit below its minimum${minimum[1] ? ` (${minimum[1]})` : ''}: the limit is too low for the container to start at all` };
  // runc refuses the environment itself: a value (or name) that is not a valid C string, usually a binary Secret value
  // injected with envFrom/secretKeyRef, or a NUL byte. The pod spec's environment is what to fix.
  if (/setenv: invalid argument/i.test(msg)) return { cause: 'config-invalid', title: 'the runtime refuses an environment variable (setenv: invalid argument): a value from a Secret or ConfigMap is not a plain string (binary data, a NUL byte) or a name is invalid' };
  if (/exec format error/i.test(msg)) return { cause: 'exec-format-error', title: 'the binary was built for another CPU architecture (exec format error)' };
  if (/bad interpreter|\r|\^M/.test(msg)) return { cause: 'not-executable', title: 'the script has a bad #! line or CRLF line endings' };
  // The runtime cannot create a hostPath or mount point on a read-only host ("mkdir /mnt/ephemeral: read-only file
  // system" in the start message): a volume that cannot be set up, not the app writing where it may not.
  if (/error mounting|mount(?:ing)? [^\n]*(?:not a directory|no such file)|rootfs|mountpoint|Are you trying to mount a directory onto a file|\bmkdir \S+: read-only file system/i.test(msg)) {
    return { cause: 'volume-mount-failure', title: 'a volume cannot be mounted into the container' };
  }
  const exe = /exec: \\*"([^"\\]+)\\*": (executable file not found in \$PATH|no such file or directory|stat [^:]+: no such file or directory|permission denied|is a directory)/i.exec(msg)
    ?? /exec (\/?\S+): (no such file or directory|permission denied)/i.exec(msg);
  if (exe) {
    const subject = exe[1];
    if (/permission denied|is a directory/i.test(exe[2] ?? '')) return { cause: 'not-executable', title: `"${subject}" is not executable (${exe[2]})`, subject };
    return { cause: 'command-not-found', title: `"${subject}" does not exist in the image`, subject };
  }
  if (/executable file not found|no such file or directory/i.test(msg) && /exec|starting container process|entrypoint|user process/i.test(msg)) {
    return { cause: 'command-not-found', title: 'the entrypoint does not exist in the image' };
  }
  if (/permission denied/i.test(msg) && /exec|starting container process|user process/i.test(msg)) {
    return { cause: 'not-executable', title: 'the entrypoint is not executable (permission denied)' };
  }
  return undefined;
}

function evaluateContainer(ctx: Context, c: ContainerCtx): Finding | undefined {
  const t = lastTermination(c);
  const sources: { text: string; evidence: Evidence[] }[] = [];
  if (c.waiting && START_REASONS.test(c.waiting.reason)) sources.push({ text: c.waiting.message, evidence: statusEvidence(c) });
  if (t && (START_REASONS.test(t.reason) || t.exitCode === 128 || t.exitCode === 127 || t.exitCode === 126) && t.message) sources.push({ text: t.message, evidence: statusEvidence(c) });
  for (const e of c.events) {
    if (e.reason === 'Failed' || e.reason === 'FailedCreatePodContainer') sources.push({ text: e.message, evidence: [...statusEvidence(c), eventEvidence(e)] });
  }
  // Pod-level Warning events are first-class evidence: a sandbox or first container the runtime never starts says
  // why only there ("container init was OOM-killed (memory limit too low?)"), in the words a terminated state uses.
  if (c.restartCount === 0 || !t) {
    for (const e of ctx.podEvents) {
      if (e.type !== 'Normal' && POD_START_EVENT.test(e.reason)) sources.push({ text: e.message, evidence: [...statusEvidence(c), eventEvidence(e)] });
    }
  }
  for (const s of sources) {
    const cls = classifyStartMessage(s.text) ?? initFailureUnderSmallLimit(c, s.text);
    if (cls) return makeFinding(ctx, c, cls.cause, 0.96, `"${c.name}" cannot start: ${cls.title}`, s.evidence, undefined, { subject: cls.subject ?? c.command[0] });
  }
  const code = t?.exitCode;
  const program = programOf([...c.command, ...c.args]);
  const cmd = program ?? (c.command.length > 0 ? c.command.join(' ') : undefined);
  if (code === 127) {
    return makeFinding(ctx, c, 'command-not-found', 0.78, `"${c.name}" exits with 127: a command it runs${cmd ? ` (${cmd})` : ''} is not found in the image`, statusEvidence(c), undefined, { subject: program ?? c.command[0] });
  }
  if (code === 126) {
    return makeFinding(ctx, c, 'not-executable', 0.78, `"${c.name}" exits with 126: the command${cmd ? ` ${cmd}` : ''} exists but cannot be executed`, statusEvidence(c), undefined, { subject: program ?? c.command[0] });
  }
  return undefined;
}

export const startErrorRule: Rule = perFailingContainer('start-error', evaluateContainer);

/** The program a command line runs: `env [-i] [VAR=value …] /bin/reloader --flag` runs /bin/reloader, not env. */
export function programOf(argv: string[]): string | undefined {
  let i = 0;
  if (argv[0] === 'env' || argv[0] === '/usr/bin/env') {
    i = 1;
    while (i < argv.length && (argv[i]?.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i] ?? ''))) i++;
    if (i >= argv.length) return undefined;
  }
  return argv[i];
}
