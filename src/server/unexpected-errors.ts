// Errors nothing else handled, counted by where they surfaced. The process keeps serving; this is the
// hook a metrics exporter can read (`unexpectedErrorCounts()`) or subscribe to (`onUnexpectedError`).
export type UnexpectedErrorSource = 'request' | 'job' | 'process';

export interface UnexpectedError {
  source: UnexpectedErrorSource;
  /** Request id, job id, or the kind of process event (unhandledRejection, uncaughtException). */
  id: string;
  error: unknown;
}

const counts: Record<UnexpectedErrorSource, number> = { request: 0, job: 0, process: 0 };
const listeners = new Set<(event: UnexpectedError) => void>();

export function recordUnexpectedError(source: UnexpectedErrorSource, id: string, error: unknown): void {
  counts[source] += 1;
  for (const listener of listeners) {
    try {
      listener({ source, id, error });
    } catch {
      // A failing listener must not turn one error into a crash.
    }
  }
}

/** Totals since the process started. */
export function unexpectedErrorCounts(): Readonly<Record<UnexpectedErrorSource, number>> {
  return { ...counts };
}

/** Subscribes to every unexpected error; returns the unsubscribe function. */
export function onUnexpectedError(listener: (event: UnexpectedError) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
