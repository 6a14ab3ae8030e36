// The HTTP front of the Slack app. Every request Bolt's HTTPReceiver sees has passed through here first:
// signed within ±5 minutes (Bolt only refuses stale ones, not future-dated), and a body that parses to
// a JSON object. Bolt dereferences the parsed body without checking it (`payload=null` threw a TypeError
// in an async closure and took the process down), so the shape is settled before Bolt runs. Anything
// unexpected is logged with the request id, counted, and answered 500; the process keeps serving.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Route } from './routes.ts';
import { withLogContext } from '../log/context.ts';
import { answer, failRequest, requestIdOf } from './fail-request.ts';
import { checkSlackJson, checkSlashCommand } from './slack-body.ts';

/** Slack's window: a signed request more than 5 minutes old or ahead of our clock is refused. */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;
/** Bolt's own limit (4 MiB); Slack's payloads are far smaller. */
export const SLACK_BODY_LIMIT = 4 * 1024 * 1024;

export type IntakeVerdict =
  | { ok: true; kind: 'event' }
  | { ok: true; kind: 'ssl-check' }
  | { ok: false; status: 400 | 401; reason: string };

function header(req: Pick<IncomingMessage, 'headers'>, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** True when `signature` is Slack's v0 HMAC of `timestamp` and `body` and the timestamp is within the window. */
export function verifySlackSignature(secret: string, headers: { timestamp: string | undefined; signature: string | undefined }, body: string, nowMs: number): string | undefined {
  const { timestamp, signature } = headers;
  if (timestamp === undefined || signature === undefined) return 'missing x-slack-request-timestamp or x-slack-signature';
  if (!/^\d{1,12}$/.test(timestamp)) return 'x-slack-request-timestamp is not a Unix time';
  if (Math.abs(Math.floor(nowMs / 1000) - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS) return 'x-slack-request-timestamp is more than 5 minutes away from our clock';
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`);
  const presented = Buffer.from(signature);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return 'signature mismatch';
  return undefined;
}

/**
 * Decides what to do with a POST to the Slack endpoint before Bolt sees it. Mirrors Bolt's own parsing
 * (form body: `payload` JSON when present, else the fields; any other content type: JSON) and demands
 * the shapes Bolt takes for granted (src/server/slack-body.ts). Anything else would either throw inside
 * Bolt or be held 3 s as an event nobody listens to; it is refused at once with 400.
 */
export function judgeSlackRequest(secret: string, req: Pick<IncomingMessage, 'headers'>, body: string, nowMs: number, commands?: readonly string[]): IntakeVerdict {
  const form = req.headers['content-type'] === 'application/x-www-form-urlencoded';
  const fields = form ? parseQuery(body) : undefined;
  // Slack's unsigned SSL probe; Bolt answers it without verification and so do we (nothing is dispatched).
  if (fields?.ssl_check === '1') return { ok: true, kind: 'ssl-check' };
  const problem = verifySlackSignature(secret, { timestamp: header(req, 'x-slack-request-timestamp'), signature: header(req, 'x-slack-signature') }, body, nowMs);
  if (problem !== undefined) return { ok: false, status: 401, reason: problem };
  if (fields !== undefined) {
    const { payload } = fields;
    const shape = payload === undefined ? checkSlashCommand(fields, commands) : typeof payload === 'string' ? checkSlackJson(payload) : { ok: false as const, reason: 'payload given more than once' };
    return shape.ok ? { ok: true, kind: 'event' } : { ok: false, status: 400, reason: shape.reason };
  }
  const shape = checkSlackJson(body);
  return shape.ok ? { ok: true, kind: 'event' } : { ok: false, status: 400, reason: shape.reason };
}

export interface SlackIntakeOptions {
  signingSecret: string;
  /** Slack's endpoint path, e.g. /slack/events. */
  path: string;
  /** Bolt's HTTPReceiver request listener; it gets the request with its body already buffered. */
  boltListener: (req: IncomingMessage, res: ServerResponse) => void;
  routes: Route[];
  /** The slash commands the app listens to; any other is refused with 400 before Bolt. */
  commands?: readonly string[];
  now?: () => Date;
  log?: (message: string, error?: unknown) => void;
}

export { failRequest, requestIdOf } from './fail-request.ts';

function readBuffer(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(undefined);
        req.resume();
        return;
      }
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function intake(options: SlackIntakeOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = await readBuffer(req, SLACK_BODY_LIMIT);
  if (raw === undefined) {
    answer(res, 413);
    return;
  }
  const verdict = judgeSlackRequest(options.signingSecret, req, raw.toString('utf8'), (options.now?.() ?? new Date()).getTime(), options.commands);
  if (!verdict.ok) {
    options.log?.(`request ${requestIdOf(req)} to ${options.path} refused (${verdict.status}): ${verdict.reason}`);
    answer(res, verdict.status);
    return;
  }
  if (verdict.kind === 'ssl-check') {
    answer(res, 200);
    return;
  }
  // Bolt reuses a body it finds already buffered as `rawBody` (HTTPModuleFunctions.bufferIncomingMessage).
  options.boltListener(Object.assign(req, { rawBody: raw }), res);
}

/** An http.Server: Slack's endpoint through the intake checks into Bolt, the other routes directly. */
export function createSlackIntakeServer(options: SlackIntakeOptions): Server {
  return createServer((req, res) => withLogContext({ reqId: requestIdOf(req) }, () => handle(req, res)));

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const fail = (error: unknown): void => failRequest(req, res, error, options.log);
    try {
      const path = (req.url ?? '/').split('?')[0];
      if (path === options.path && req.method === 'POST') {
        intake(options, req, res).catch(fail);
        return;
      }
      const route = options.routes.find((r) => r.path === path && (Array.isArray(r.method) ? r.method : [r.method]).some((m) => m.toUpperCase() === req.method));
      if (route === undefined) {
        answer(res, 404, JSON.stringify({ error: 'not found' }));
        return;
      }
      const result: unknown = route.handler(req, res);
      if (result instanceof Promise) result.catch(fail);
    } catch (error) {
      fail(error);
    }
  }
}
