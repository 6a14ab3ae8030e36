// Turns whatever the Kubernetes client threw into a ClusterError whose message tells the user what to do.
// Pure: no client import, so the CLI's --snapshot path and the unit tests stay light.
import { ClusterError } from './types.ts';

/** The API server's Status body, when the error carries one. */
interface ApiStatus {
  message?: string;
  reason?: string;
  code?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Reads the Status object out of an ApiException body (a JSON string or an already parsed object). */
export function parseApiStatus(body: unknown): ApiStatus | undefined {
  let value: unknown = body;
  if (typeof body === 'string') {
    const trimmed = body.trim();
    if (trimmed === '') return undefined;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return { message: trimmed.slice(0, 300) };
    }
  }
  if (!isRecord(value)) return undefined;
  const status: ApiStatus = {};
  if (typeof value.message === 'string') status.message = value.message;
  if (typeof value.reason === 'string') status.reason = value.reason;
  if (typeof value.code === 'number') status.code = value.code;
  return status;
}

/** The HTTP status of an ApiException-shaped error (duck-typed so this file needs no client import). */
function httpStatusOf(err: unknown): number | undefined {
  if (!isRecord(err)) return undefined;
  const code = err.code;
  if (typeof code === 'number' && code >= 100 && code < 600) return code;
  return undefined;
}

const NETWORK_UNAVAILABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'ERR_TLS_CERT_ALTNAME_INVALID']);
const NETWORK_TIMEOUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Walks `cause` links looking for a system error code such as ECONNREFUSED. */
export function networkCodeOf(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && isRecord(current); depth++) {
    const code = current.code;
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
    current = current.cause;
  }
  return undefined;
}

function errorName(err: unknown): string | undefined {
  return isRecord(err) && typeof err.name === 'string' ? err.name : undefined;
}

export interface ErrorContext {
  /** What was being read, e.g. `pod default/api`. */
  what: string;
  /** Cluster name, for messages. */
  cluster?: string;
  /** Set when the caller's signal was aborted (as opposed to the per-call timeout). */
  aborted?: boolean;
  timeoutMs?: number;
}

/** Maps a client error to a ClusterError. Already-mapped errors pass through. */
export function toClusterError(err: unknown, ctx: ErrorContext): ClusterError {
  if (err instanceof ClusterError) return err;
  const where = ctx.cluster ? ` in cluster "${ctx.cluster}"` : '';
  const status = httpStatusOf(err);
  if (status !== undefined) {
    const apiStatus = isRecord(err) ? parseApiStatus(err.body) : undefined;
    const apiMessage = apiStatus?.message ?? '';
    const detail = apiMessage ? `: ${apiMessage}` : '';
    const options = { status, cause: err };
    switch (status) {
      case 404:
        return new ClusterError('NOT_FOUND', `${ctx.what} not found${where}${detail}. Check the name and namespace (kubectl get pods -A).`, options);
      case 403:
        return new ClusterError('FORBIDDEN', `Not allowed to read ${ctx.what}${where}${detail}. Grant the read rules in deploy/rbac.yaml to this identity.`, options);
      case 401:
        return new ClusterError('UNAUTHORIZED', `The cluster rejected the credentials while reading ${ctx.what}${where}. Refresh your kubeconfig credentials or the service account token.`, options);
      case 400:
      case 422:
        return new ClusterError('BAD_REQUEST', `The API server refused the request for ${ctx.what}${detail || '.'}`, options);
      case 409:
        return new ClusterError('CONFLICT', `Conflict on ${ctx.what}${detail}. Retry.`, options);
      case 408:
      case 504:
        return new ClusterError('TIMEOUT', `The API server timed out reading ${ctx.what}${where}. Retry in a moment.`, options);
      case 429:
      case 500:
      case 502:
      case 503:
        return new ClusterError('UNAVAILABLE', `The API server is overloaded or unavailable (HTTP ${status}) reading ${ctx.what}${where}. Retry in a moment.`, options);
      default:
        return new ClusterError(status >= 500 ? 'UNAVAILABLE' : 'BAD_REQUEST', `Unexpected HTTP ${status} reading ${ctx.what}${where}${detail}.`, options);
    }
  }
  const name = errorName(err);
  if (name === 'TimeoutError' || (name === 'AbortError' && !ctx.aborted)) {
    const after = ctx.timeoutMs === undefined ? '' : ` after ${ctx.timeoutMs} ms`;
    return new ClusterError('TIMEOUT', `Reading ${ctx.what}${where} timed out${after}. Is the API server reachable? Retry in a moment.`, { cause: err });
  }
  if (name === 'AbortError') {
    return new ClusterError('TIMEOUT', `Reading ${ctx.what} was cancelled.`, { cause: err });
  }
  const code = networkCodeOf(err);
  if (code !== undefined && NETWORK_TIMEOUT.has(code)) {
    return new ClusterError('TIMEOUT', `Connecting to the API server${where} timed out (${code}). Check the network path to the cluster and retry.`, { cause: err });
  }
  if (code !== undefined && NETWORK_UNAVAILABLE.has(code)) {
    return new ClusterError('UNAVAILABLE', `Cannot reach the API server${where} (${code}). Check that the cluster is up and that your kubeconfig points at it (kubectl config current-context).`, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/fetch failed|socket hang up|network/i.test(message)) {
    return new ClusterError('UNAVAILABLE', `Cannot reach the API server${where}: ${message}. Check that the cluster is up and reachable.`, { cause: err });
  }
  return new ClusterError('UNAVAILABLE', `Reading ${ctx.what}${where} failed: ${message}`, { cause: err });
}

/** The API's answer when a container has no previous instance to read logs from. */
export function isNoPreviousInstance(err: unknown): boolean {
  return err instanceof ClusterError && err.code === 'BAD_REQUEST' && /previous terminated container .* not found/i.test(err.message);
}

/** A short reason for a snapshot gap: "forbidden: <api message>". */
export function gapReason(err: unknown): string {
  if (err instanceof ClusterError) {
    const label: Record<ClusterError['code'], string> = {
      NOT_FOUND: 'not found',
      FORBIDDEN: 'forbidden',
      UNAUTHORIZED: 'unauthorized',
      TIMEOUT: 'timeout',
      UNAVAILABLE: 'unavailable',
      BAD_REQUEST: 'bad request',
      CONFLICT: 'conflict',
    };
    return `${label[err.code]}: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}
