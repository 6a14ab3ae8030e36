// Runs the real `node bin/crashloop.js serve` as a child process, the way an operator starts the bot,
// and waits until it listens (or fails fast with its own output when it exits early).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FakeSlack, RecordedCall } from './fake-slack.ts';

const BIN = fileURLToPath(new URL('../../bin/crashloop.js', import.meta.url));

export interface ServeProcess {
  readonly child: ChildProcess;
  /** Everything the process printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** SIGKILL when still running; for afterAll. */
  kill(): Promise<void>;
}

/** Starts `crashloop serve` with exactly `env` and waits for "listening on port" (60 s). */
export async function startServe(env: NodeJS.ProcessEnv, slack: Pick<FakeSlack, 'waitFor'>, args: string[] = []): Promise<ServeProcess> {
  let output = '';
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const started = await slack.waitFor(() => (output.includes('listening on port') ? 'up' : child.exitCode !== null ? 'exited' : undefined), 60_000);
  if (started === 'exited') throw new Error(`crashloop serve exited early:\n${output}`);
  return {
    child,
    output: () => output,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** The report parents: chat.postMessage calls carrying crashloop_report metadata. */
export function reportMessages(slack: Pick<FakeSlack, 'callsOf'>): RecordedCall[] {
  return slack.callsOf('chat.postMessage').filter((c) => (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'crashloop_report');
}
