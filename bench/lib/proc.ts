// Child processes for the bench: one timed run of a command, and a served `crashloop serve` whose
// resident memory is read from /proc while it runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
let CRASHLOOP = fileURLToPath(new URL('../../bin/crashloop.js', import.meta.url));

/** `--bin PATH`: measure another checkout's launcher (e.g. the commit before a change) with this bench. */
export function useCrashloopBin(path: string): void {
  CRASHLOOP = path;
}

export interface Ran {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; resolves with its wall time (spawn to exit) and output. */
export function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { env, cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code, stdout, stderr }));
  });
}

/** Runs `crashloop ARGS` with the Node running the bench (24); rejects on a non-zero exit. */
export async function crashloop(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  const ran = await timed(process.execPath, [CRASHLOOP, ...args], env);
  if (ran.code !== 0) throw new Error(`crashloop ${args.join(' ')} exited ${ran.code}: ${ran.stderr.slice(0, 400)}`);
  return ran;
}

/** Resident set size of a live process in MB (VmRSS), or undefined once it is gone. */
export function rssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a live process has used, in ms (clock ticks of 10 ms), or undefined once it is gone. */
export function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

export interface Served {
  child: ChildProcess;
  output: () => string;
  rss: () => number | undefined;
  /** CPU time the process has used so far, ms. */
  cpu: () => number | undefined;
  stop: () => Promise<void>;
}

/** Starts `crashloop serve ARGS` and resolves once it says it is listening (60 s). */
export async function serve(args: string[], env: NodeJS.ProcessEnv): Promise<Served> {
  const child = spawn(process.execPath, [CRASHLOOP, 'serve', ...args], { env, cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`crashloop serve ${args.join(' ')} did not listen within 60 s:\n${output}`)), 60_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes('listening on port')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`crashloop serve ${args.join(' ')} exited ${code}:\n${output}`));
    });
  });
  await started;
  return {
    child,
    output: () => output,
    rss: () => rssMb(child.pid),
    cpu: () => cpuMs(child.pid),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
