// A local server that speaks enough of the Slack Web API for the bot, reached through WebClient's
// slackApiUrl (SLACK_API_URL=<url>/api/). It records every call with its parsed arguments, can inject
// 429 (with Retry-After) and 500 responses, receives file uploads and response_url posts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** HTTP status the fake answered with (429/500 when injected). */
  status: number;
  /** The body the fake answered with (e.g. the ts of a posted message). */
  result?: Record<string, unknown>;
}

export interface RecordedUpload {
  fileId: string;
  body: string;
}

export interface RecordedResponse {
  id: string;
  body: Record<string, unknown>;
}

/** 429 with Retry-After, a 500, or a 200 carrying a Slack platform error (`{ ok: false, error }`). */
export type Failure = { status: 429; retryAfterSeconds: number } | { status: 500 } | { status: 200; error: string };

/** A top-level message as a reader sees it now (after every chat.update). */
export interface ChannelMessage {
  ts: string;
  text: string;
  blocks: unknown;
  /** The message metadata last sent with it (chat.update replaces it when given). */
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
  updates: number;
}

export interface FakeSlack {
  /** Base URL, e.g. http://127.0.0.1:1234 */
  url: string;
  /** For WebClient's slackApiUrl / SLACK_API_URL. */
  apiUrl: string;
  calls: RecordedCall[];
  uploads: RecordedUpload[];
  responses: RecordedResponse[];
  /** Successful calls of one method. */
  callsOf(method: string): RecordedCall[];
  /** The next `times` calls of `method` (those whose args satisfy `match`, when given) fail this way. */
  failNext(method: string, failure: Failure, times?: number, match?: (args: Record<string, unknown>) => boolean): void;
  /** A response_url for slash commands and block actions. */
  responseUrl(id?: string): string;
  /** Socket Mode: sends an envelope (`slash_commands`, `interactive`) to the connected app and resolves its ack payload. */
  socketSend(type: 'slash_commands' | 'interactive' | 'events_api', payload: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Socket Mode connections the app has open. */
  socketCount(): number;
  /**
   * Holds the next call of `method` (whose args satisfy `match`, when given) until `release()`: a slow
   * Slack, to catch the bot mid-job. `arrived` resolves when the held call comes in.
   */
  hold(method: string, match?: (args: Record<string, unknown>) => boolean): { arrived: Promise<Record<string, unknown>>; release(): void };
  /** Holds every Web API request (no answer) until releaseAll(); `heldCount()` says how many wait. */
  holdAll(): void;
  releaseAll(): void;
  heldCount(): number;
  /** Answers every Web API call this much later (Slack's latency). */
  setLatency(ms: number): void;
  /** Every call of `method` ('*' = all but auth.test) answers 429 with Retry-After until `forMs` from now. */
  rateLimitFor(method: string, forMs: number, retryAfterSeconds: number): void;
  /** Calls answered 429 so far. */
  rateLimited(): number;
  /** The channel as a reader sees it: top-level messages with the latest text/blocks after every chat.update. */
  channelView(channel: string): ChannelMessage[];
  /** Replies in the thread of `ts`, in order. */
  threadOf(channel: string, ts: string): RecordedCall[];
  /** Resolves once `predicate` holds, polling the records; rejects after `timeoutMs`. */
  waitFor<T>(predicate: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'files', 'unfurl_links', 'unfurl_media', 'view']);

function parseArgs(contentType: string | undefined, raw: string): Record<string, unknown> {
  if (raw === '') return {};
  if (contentType?.includes('application/json')) {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  }
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(key)) {
      try {
        args[key] = JSON.parse(value);
        continue;
      } catch {
        // not JSON: keep the string
      }
    }
    args[key] = value;
  }
  return args;
}

/** The file's bytes from an upload: the first part of a multipart body, or the raw body. */
function fileContent(contentType: string | undefined, raw: string): string {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType ?? '');
  const marker = boundary?.[1] ?? boundary?.[2];
  if (marker === undefined) return raw;
  const part = raw.split(`--${marker}`)[1] ?? '';
  const start = part.indexOf('\r\n\r\n');
  return start < 0 ? part : part.slice(start + 4).replace(/\r\n$/, '');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export interface FakeSlackOptions {
  /** Delay before every Web API answer (the bench's slow-Slack storm); default none. */
  latencyMs?: number;
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const calls: RecordedCall[] = [];
  const uploads: RecordedUpload[] = [];
  const responses: RecordedResponse[] = [];
  const failures = new Map<string, { failure: Failure; match?: (args: Record<string, unknown>) => boolean }[]>();
  const holds: { method: string; match?: (args: Record<string, unknown>) => boolean; arrive: (args: Record<string, unknown>) => void; released: Promise<void> }[] = [];
  let tsCounter = 0;
  let latencyMs = options.latencyMs ?? 0;
  let holding = false;
  const held: (() => void)[] = [];
  const limits = new Map<string, { until: number; retryAfterSeconds: number }>();
  let limitedCount = 0;
  let fileCounter = 0;
  let base = '';

  const nextTs = (): string => {
    tsCounter += 1;
    return `1700000000.${String(tsCounter).padStart(6, '0')}`;
  };

  const answer = (method: string, args: Record<string, unknown>): Record<string, unknown> => {
    const channel = typeof args.channel === 'string' ? args.channel : 'C0TEST';
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.test/', team: 'Test', user: 'crashloop', team_id: 'T0TEST', user_id: 'U0BOT', bot_id: 'B0BOT' };
      case 'chat.postMessage': {
        const ts = nextTs();
        return { ok: true, channel, ts, message: { ts, text: args.text, thread_ts: args.thread_ts } };
      }
      case 'chat.update':
        return { ok: true, channel, ts: args.ts, text: args.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'chat.getPermalink':
        return { ok: true, channel, permalink: `https://fake.slack.test/archives/${channel}/p${String(args.message_ts ?? '').replace('.', '')}` };
      case 'files.getUploadURLExternal': {
        fileCounter += 1;
        const fileId = `F0TEST${fileCounter}`;
        return { ok: true, upload_url: `${base}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const files = Array.isArray(args.files) ? (args.files as { id?: string; title?: string }[]) : [];
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      case 'apps.connections.open':
        return { ok: true, url: `${base.replace('http', 'ws')}/socket` };
      case 'users.info':
        return { ok: true, user: { id: args.user, name: 'tester', real_name: 'Test User', tz: 'UTC' } };
      case 'conversations.info':
        return { ok: true, channel: { id: channel, name: 'ops', is_member: true } };
      case 'views.open': {
        // A modal needs a trigger_id from an interaction; Slack refuses the call without one.
        if (typeof args.trigger_id !== 'string' || args.trigger_id === '') return { ok: false, error: 'invalid_trigger_id' };
        const view = typeof args.view === 'object' && args.view !== null ? args.view : {};
        return { ok: true, view: { id: `V0TEST${nextTs().replace('.', '')}`, ...view } };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path.startsWith('/upload/')) {
        uploads.push({ fileId: path.slice('/upload/'.length), body: fileContent(req.headers['content-type'], raw) });
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`OK - ${raw.length}`);
        return;
      }
      if (path.startsWith('/response/')) {
        const body = parseArgs('application/json', raw);
        responses.push({ id: path.slice('/response/'.length), body });
        send(res, 200, { ok: true });
        return;
      }
      if (!path.startsWith('/api/')) {
        send(res, 404, { ok: false, error: 'not_found' });
        return;
      }
      const method = path.slice('/api/'.length);
      const args = parseArgs(req.headers['content-type'], raw);
      if (holding && method !== 'auth.test') await new Promise<void>((resolve) => held.push(resolve));
      if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
      const limit = method === 'auth.test' ? undefined : (limits.get(method) ?? limits.get('*'));
      if (limit !== undefined && Date.now() < limit.until) {
        limitedCount += 1;
        calls.push({ method, args, status: 429 });
        send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limit.retryAfterSeconds) });
        return;
      }
      const heldCall = holds.findIndex((h) => h.method === method && (h.match === undefined || h.match(args)));
      if (heldCall >= 0) {
        const [h] = holds.splice(heldCall, 1);
        h?.arrive(args);
        await h?.released;
      }
      const queued = failures.get(method) ?? [];
      const index = queued.findIndex((f) => f.match === undefined || f.match(args));
      const failure = index < 0 ? undefined : queued.splice(index, 1)[0]?.failure;
      if (failure !== undefined) {
        calls.push({ method, args, status: failure.status });
        if (failure.status === 429) {
          send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfterSeconds) });
        } else if (failure.status === 200) {
          send(res, 200, { ok: false, error: failure.error });
        } else {
          send(res, 500, { ok: false, error: 'internal_error' });
        }
        return;
      }
      const result = answer(method, args);
      calls.push({ method, args, status: 200, result });
      send(res, 200, result);
    })().catch((error: unknown) => {
      send(res, 500, { ok: false, error: String(error) });
    });
  });

  // Socket Mode: apps.connections.open hands out ws://…/socket; the app acks envelopes by id.
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  const pendingAcks = new Map<string, (payload: Record<string, unknown>) => void>();
  server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').split('?')[0] !== '/socket') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { envelope_id?: string; payload?: Record<string, unknown> };
        if (message.envelope_id !== undefined) pendingAcks.get(message.envelope_id)?.(message.payload ?? {});
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake', approximate_connection_time: 3600 }, connection_info: { app_id: 'A0TEST' } }));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    apiUrl: `${base}/api/`,
    calls,
    uploads,
    responses,
    callsOf: (method) => calls.filter((c) => c.method === method && c.status === 200),
    failNext(method, failure, times = 1, match) {
      const list = failures.get(method) ?? [];
      for (let i = 0; i < times; i += 1) list.push(match === undefined ? { failure } : { failure, match });
      failures.set(method, list);
    },
    hold(method, match) {
      let arrive: (args: Record<string, unknown>) => void = () => undefined;
      let release: () => void = () => undefined;
      const arrived = new Promise<Record<string, unknown>>((resolve) => (arrive = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.push(match === undefined ? { method, arrive, released } : { method, match, arrive, released });
      return { arrived, release };
    },
    responseUrl: (id = String(Math.random()).slice(2)) => `${base}/response/${id}`,
    holdAll() {
      holding = true;
    },
    releaseAll() {
      holding = false;
      for (const resume of held.splice(0)) resume();
    },
    heldCount: () => held.length,
    setLatency(ms) {
      latencyMs = ms;
    },
    rateLimitFor(method, forMs, retryAfterSeconds) {
      limits.set(method, { until: Date.now() + forMs, retryAfterSeconds });
    },
    rateLimited: () => limitedCount,
    channelView(channel) {
      const view = new Map<string, ChannelMessage>();
      const meta = (args: Record<string, unknown>): ChannelMessage['metadata'] => (typeof args.metadata === 'object' && args.metadata !== null ? (args.metadata as ChannelMessage['metadata']) : undefined);
      for (const c of calls) {
        if (c.status !== 200 || c.args.channel !== channel) continue;
        if (c.method === 'chat.postMessage' && c.args.thread_ts === undefined) {
          const ts = String(c.result?.ts);
          const metadata = meta(c.args);
          view.set(ts, { ts, text: String(c.args.text), blocks: c.args.blocks, ...(metadata === undefined ? {} : { metadata }), updates: 0 });
        } else if (c.method === 'chat.update') {
          const entry = view.get(String(c.args.ts));
          const metadata = meta(c.args) ?? entry?.metadata;
          if (entry !== undefined) view.set(entry.ts, { ts: entry.ts, text: String(c.args.text), blocks: c.args.blocks, ...(metadata === undefined ? {} : { metadata }), updates: entry.updates + 1 });
        }
      }
      return [...view.values()];
    },
    threadOf: (channel, ts) => calls.filter((c) => c.status === 200 && c.method === 'chat.postMessage' && c.args.channel === channel && c.args.thread_ts === ts),
    socketCount: () => sockets.size,
    socketSend(type, payload, timeoutMs = 10_000) {
      const [socket] = sockets;
      if (socket === undefined) return Promise.reject(new Error('fake Slack: no Socket Mode connection'));
      const envelopeId = randomUUID();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fake Slack: no ack for ${type} within ${timeoutMs} ms`)), timeoutMs);
        pendingAcks.set(envelopeId, (ack) => {
          clearTimeout(timer);
          pendingAcks.delete(envelopeId);
          resolve(ack);
        });
        socket.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: true }));
      });
    },
    async waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = predicate();
        if (value !== undefined && value !== false) return value;
        if (Date.now() > deadline) throw new Error(`fake Slack: condition not met within ${timeoutMs} ms; calls: ${calls.map((c) => c.method).join(', ')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        holding = false;
        for (const resume of held.splice(0)) resume();
        for (const socket of sockets) socket.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
