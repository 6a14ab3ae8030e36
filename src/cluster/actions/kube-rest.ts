// A minimal raw-JSON REST client over a KubeConfig. The write side needs the API server's JSON as is:
// the typed client models drop fields they do not know and turn timestamps into Dates, which would make a
// restored template differ from kubectl's. Credentials and TLS come from client-node's KubeConfig.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { toClusterError } from '../errors.ts';
import { ClusterError } from '../types.ts';
import type { Json } from '../../actions/json.ts';
import { nameProblem } from '../names.ts';

export type PatchType = 'json' | 'merge' | 'strategic';

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

export interface RestRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: Json;
  patchType?: PatchType;
  /** For error messages: "deployment default/api". */
  what: string;
  signal?: AbortSignal;
}

/** Thrown for non-2xx answers, shaped like client-node's ApiException so toClusterError maps it. */
class HttpStatusError extends Error {
  readonly code: number;
  readonly body: string;
  constructor(code: number, body: string) {
    super(`HTTP ${code}`);
    this.code = code;
    this.body = body;
  }
}

/**
 * client-node's agent for a cluster (its TLS settings, cached per KubeConfig) opens a connection per
 * request; a diagnosis makes five to ten reads. The same settings with keep-alive reuse one TLS session.
 * Proxy agents are left as they are.
 */
const keepAliveAgents = new WeakMap<object, HttpAgent>();
function keepAlive(agent: RequestOptions['agent']): RequestOptions['agent'] {
  if (agent === undefined || agent === null || typeof agent === 'boolean' || (agent.constructor !== HttpsAgent && agent.constructor !== HttpAgent)) return agent;
  let reused = keepAliveAgents.get(agent);
  if (reused === undefined) {
    const options = (agent as HttpAgent & { options?: Record<string, unknown> }).options ?? {};
    reused = agent.constructor === HttpsAgent ? new HttpsAgent({ ...options, keepAlive: true }) : new HttpAgent({ ...options, keepAlive: true });
    keepAliveAgents.set(agent, reused);
  }
  return reused;
}

export interface Impersonation {
  user: string;
  groups: string[];
}

export class KubeRest {
  readonly kubeConfig: KubeConfig;
  readonly cluster: string;
  readonly timeoutMs: number;
  readonly impersonation: Impersonation | undefined;

  constructor(kubeConfig: KubeConfig, options: { cluster?: string; timeoutMs?: number; impersonate?: Impersonation } = {}) {
    this.kubeConfig = kubeConfig;
    this.cluster = options.cluster ?? kubeConfig.getCurrentContext();
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.impersonation = options.impersonate;
  }

  /** The same client acting as another user (Impersonate-User / Impersonate-Group headers). */
  as(who: Impersonation): KubeRest {
    return new KubeRest(this.kubeConfig, { cluster: this.cluster, timeoutMs: this.timeoutMs, impersonate: who });
  }

  async call(req: RestRequest): Promise<Json> {
    const text = await this.callText(req);
    return text === '' ? null : (JSON.parse(text) as Json);
  }

  /** The raw body of a 2xx answer (logs are plain text). */
  async callText(req: RestRequest): Promise<string> {
    const problem = restPathProblem(req.path) ?? (req.query?.container === undefined ? undefined : nameProblem('container', req.query.container));
    if (problem !== undefined) throw new ClusterError('BAD_REQUEST', problem);
    const server = this.kubeConfig.getCurrentCluster()?.server;
    if (server === undefined) throw new ClusterError('UNAVAILABLE', 'The kubeconfig has no current cluster. Set a context (kubectl config use-context).');
    const url = new URL(server.replace(/\/$/, '') + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const options: RequestOptions = { method: req.method, headers: { Accept: 'application/json' } };
    await this.kubeConfig.applyToHTTPSOptions(options);
    options.agent = keepAlive(options.agent);
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(options.headers ?? {})) if (typeof v === 'string') headers[k] = v;
    if (this.impersonation !== undefined) {
      headers['Impersonate-User'] = this.impersonation.user;
      if (this.impersonation.groups.length > 0) headers['Impersonate-Group'] = this.impersonation.groups;
    }
    if (payload !== undefined) {
      headers['Content-Type'] = req.method === 'PATCH' ? PATCH_CONTENT_TYPES[req.patchType ?? 'merge'] : 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    options.headers = headers;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = req.signal === undefined ? timeout : AbortSignal.any([req.signal, timeout]);
    try {
      return await send(url, options, payload, signal);
    } catch (err) {
      throw toClusterError(err, { what: req.what, cluster: this.cluster, aborted: req.signal?.aborted === true, timeoutMs: this.timeoutMs });
    }
  }
}

/** The namespace and object name a REST path carries, checked like every other entry point's (names.ts). */
export function restPathProblem(path: string): string | undefined {
  const match = /\/namespaces\/([^/?]+)(?:\/[^/?]+\/([^/?]+))?/.exec(path);
  if (match === null) return undefined;
  try {
    const namespace = decodeURIComponent(match[1] ?? '');
    const name = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    return nameProblem('namespace', namespace) ?? (name === undefined ? undefined : nameProblem('object', name));
  } catch {
    return 'The request path is not valid URL encoding.';
  }
}

function send(url: URL, options: RequestOptions, payload: Buffer | undefined, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const doRequest = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const req = doRequest(url, { ...options, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(text);
        else reject(new HttpStatusError(status, text));
      });
    });
    req.on('error', (err) => reject(signal.aborted && signal.reason instanceof Error ? signal.reason : err));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
