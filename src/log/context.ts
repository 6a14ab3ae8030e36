// The ids of what the process is doing right now (a request, a job and its incident), carried through
// async calls so every log line written on their behalf names them without passing a logger around.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

export interface LogContext {
  reqId?: string;
  jobId?: string;
  queue?: string;
  incident?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `fields` added to the current context. */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, fn);
}

export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}

/** A request id: the caller's `x-request-id` when it is a plain token, else a fresh one. */
export function requestId(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomBytes(8).toString('hex');
}
