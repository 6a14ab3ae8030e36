// Plain HTTP routes served next to Slack's endpoint on the same port: /healthz, /readyz and any route
// another module registers (POST /alertmanager). Shape-compatible with Bolt's CustomRoute.
import type { AddressInfo } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { failRequest } from './fail-request.ts';

export interface Route {
  path: string;
  method: string | string[];
  /** A returned promise that rejects is answered 500 like a throw (src/server/fail-request.ts). */
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

export type ReadinessCheck = { name: string; check: (signal: AbortSignal) => Promise<void> };

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Reads a request body up to `limitBytes`; rejects beyond it. */
export function readBody(req: IncomingMessage, limitBytes = 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        reject(new Error(`request body larger than ${limitBytes} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * GET /healthz (the process is up) and GET /readyz (every check passes within `timeoutMs`). These are on
 * the public port, so /readyz answers with a status only; which check failed and why go to `log`
 * (error texts name hosts, ports and cluster errors an outsider has no business reading).
 */
export function healthRoutes(checks: ReadinessCheck[], timeoutMs = 3000, log?: (message: string, error?: unknown) => void, details?: () => Promise<Record<string, unknown>>): Route[] {
  return [
    { path: '/healthz', method: 'GET', handler: (_req, res) => sendJson(res, 200, { status: 'ok' }) },
    {
      path: '/readyz',
      method: 'GET',
      handler: (_req, res) => {
        void (async () => {
          const results = await Promise.all(
            checks.map(async ({ name, check }) => {
              const signal = AbortSignal.timeout(timeoutMs);
              try {
                await Promise.race([
                  check(signal),
                  new Promise<never>((_r, reject) => signal.addEventListener('abort', () => reject(new Error(`no answer within ${timeoutMs} ms`)), { once: true })),
                ]);
                return { name, ok: true as const };
              } catch (error) {
                return { name, ok: false as const, error: error instanceof Error ? error.message : String(error) };
              }
            }),
          );
          const ready = results.every((r) => r.ok);
          for (const r of results) if (!r.ok) log?.(`readiness check "${r.name}" failed: ${r.error}`);
          // A draining process says so (a status, not a detail): load balancers and tests can tell it apart.
          const draining = results.some((r) => r.name === 'shutdown' && !r.ok);
          // Status-shaped extras only (e.g. { workers: { staging: 'none' } }); a failure to get them is not unreadiness.
          const extra = details === undefined ? {} : await details().catch((error: unknown): Record<string, unknown> => {
            log?.('readiness details failed', error);
            return {};
          });
          sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : draining ? 'shutting down' : 'not ready', ...extra });
        })();
      },
    },
  ];
}

/**
 * A bare HTTP server over routes, for roles without Bolt's receiver (worker, Socket Mode). A route that
 * throws or rejects is logged with the request id, counted and answered 500; the process keeps serving.
 */
export function createRouteServer(routes: Route[], log?: (message: string, error?: unknown) => void): Server {
  return createServer((req, res) => {
    const fail = (error: unknown): void => failRequest(req, res, error, log);
    try {
      const path = (req.url ?? '/').split('?')[0];
      const route = routes.find((r) => r.path === path && (Array.isArray(r.method) ? r.method : [r.method]).some((m) => m.toUpperCase() === req.method));
      if (route === undefined) {
        sendJson(res, 404, { error: 'not found' });
        return;
      }
      const result = route.handler(req, res);
      if (result instanceof Promise) result.catch(fail);
    } catch (error) {
      fail(error);
    }
  });
}

/** Listens on `port` (0 = a free one) and resolves the port it got. */
export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Drops open connections (keep-alive included) and resolves once the server is closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
