// The one answer to an error nothing else handled while serving a request: logged with the request
// id, counted (src/server/unexpected-errors.ts, crashloop_unexpected_errors_total), answered 500 with
// that id and no detail. The process keeps serving.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestId } from '../log/context.ts';
import { recordUnexpectedError } from './unexpected-errors.ts';

const requestIds = new WeakMap<IncomingMessage, string>();

/** The id logs carry for this request: the caller's x-request-id when sane, else a fresh one. */
export function requestIdOf(req: IncomingMessage): string {
  let id = requestIds.get(req);
  if (id === undefined) {
    id = requestId(req.headers['x-request-id']);
    requestIds.set(req, id);
  }
  return id;
}

/** Answers unless an answer has started (then only ends it). */
export function answer(res: ServerResponse, status: number, body?: string): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
  res.end(body);
}

/** Logs, counts and answers 500 for an error nothing else handled. */
export function failRequest(req: IncomingMessage, res: ServerResponse, error: unknown, log?: (message: string, error?: unknown) => void): void {
  const id = requestIdOf(req);
  recordUnexpectedError('request', id, error);
  log?.(`request ${id} (${req.method ?? '?'} ${(req.url ?? '').slice(0, 200)}) failed unexpectedly`, error);
  answer(res, 500, JSON.stringify({ error: `Internal error (request ${id}); it was logged.` }));
}
