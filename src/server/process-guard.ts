// Process-level policy for errors that escaped every handler. A rejected promise nobody awaited (the
// shape an async request or job failure takes) is logged, counted and survived: the other requests and
// jobs are unaffected. An uncaught exception may have left shared state half-updated, so it is survived
// only while rare; a burst (a broken dependency failing in a loop) exits 1 so the supervisor restarts us
// rather than serving from a process that keeps breaking.
import { recordUnexpectedError } from './unexpected-errors.ts';

export interface ProcessGuardOptions {
  log: (message: string, error?: unknown) => void;
  /** Uncaught exceptions tolerated within `windowMs` before exiting (default 10 in 60 s). */
  maxExceptions?: number;
  windowMs?: number;
  /** Called instead of process.exit (tests). */
  exit?: (code: number) => void;
  now?: () => number;
}

export interface ProcessGuard {
  /** Removes the listeners (serve() calls it on shutdown; tests call it after each case). */
  uninstall(): void;
}

export function installProcessGuard(options: ProcessGuardOptions): ProcessGuard {
  const max = options.maxExceptions ?? 10;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let recent: number[] = [];

  const onRejection = (reason: unknown): void => {
    recordUnexpectedError('process', 'unhandledRejection', reason);
    options.log('unhandled promise rejection (logged; still serving)', reason);
  };
  const onException = (error: unknown): void => {
    recordUnexpectedError('process', 'uncaughtException', error);
    const t = now();
    recent = [...recent.filter((at) => t - at < windowMs), t];
    if (recent.length > max) {
      options.log(`${recent.length} uncaught exceptions within ${Math.round(windowMs / 1000)} s; exiting so the supervisor restarts a clean process`, error);
      exit(1);
      return;
    }
    options.log('uncaught exception (logged; still serving)', error);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    uninstall() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}
