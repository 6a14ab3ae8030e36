import { describe, expect, it } from 'vitest';
import { ApiException } from '@kubernetes/client-node';
import { ClusterError } from '../../../src/cluster/types.ts';
import { gapReason, isNoPreviousInstance, parseApiStatus, toClusterError } from '../../../src/cluster/errors.ts';

const status = (code: number, message: string) => JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code });

describe('toClusterError', () => {
  it.each([
    [404, 'NOT_FOUND', /not found.*kubectl get pods -A/],
    [403, 'FORBIDDEN', /Not allowed to read .*deploy\/rbac.yaml/],
    [401, 'UNAUTHORIZED', /Refresh your kubeconfig credentials/],
    [400, 'BAD_REQUEST', /refused the request/],
    [409, 'CONFLICT', /Conflict/],
    [503, 'UNAVAILABLE', /Retry in a moment/],
    [504, 'TIMEOUT', /timed out/],
  ] as const)('maps HTTP %i to %s with advice', (code, expected, message) => {
    const err = toClusterError(new ApiException(code, 'Unknown API Status Code!', status(code, 'the API said so'), {}), { what: 'pod default/api', cluster: 'kind-dev' });
    expect(err).toBeInstanceOf(ClusterError);
    expect(err.code).toBe(expected);
    expect(err.status).toBe(code);
    expect(err.message).toMatch(message);
  });

  it('quotes the API message from the Status body', () => {
    const body = status(403, 'pods "api" is forbidden: User "system:serviceaccount:ops:bot" cannot get resource "pods" in API group "" in the namespace "prod"');
    const err = toClusterError(new ApiException(403, 'Unknown API Status Code!', body, {}), { what: 'pod prod/api' });
    expect(err.message).toContain('cannot get resource "pods"');
  });

  it('maps connection refused (fetch failed with a cause) to UNAVAILABLE', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    const err = toClusterError(new TypeError('fetch failed', { cause }), { what: 'pod a/b', cluster: 'dev' });
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.retryable).toBe(true);
  });

  it('maps a timeout signal to TIMEOUT and a caller abort to a cancellation', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(toClusterError(timeout, { what: 'pod a/b', timeoutMs: 50 }).message).toMatch(/timed out after 50 ms/);
    const abort = new DOMException('This operation was aborted', 'AbortError');
    const cancelled = toClusterError(abort, { what: 'pod a/b', aborted: true });
    expect(cancelled.code).toBe('TIMEOUT');
    expect(cancelled.message).toMatch(/cancelled/);
  });

  it('passes ClusterErrors through unchanged', () => {
    const original = new ClusterError('FORBIDDEN', 'no');
    expect(toClusterError(original, { what: 'x' })).toBe(original);
  });
});

describe('parseApiStatus', () => {
  it('reads JSON text, objects and plain text', () => {
    expect(parseApiStatus(status(404, 'gone'))).toEqual({ message: 'gone', code: 404 });
    expect(parseApiStatus({ message: 'obj', reason: 'NotFound' })).toEqual({ message: 'obj', reason: 'NotFound' });
    expect(parseApiStatus('plain words')).toEqual({ message: 'plain words' });
    expect(parseApiStatus(undefined)).toBeUndefined();
  });
});

describe('isNoPreviousInstance', () => {
  it('recognises the API answer for a container without a previous instance', () => {
    const body = status(400, 'previous terminated container "api" in pod "api-1" not found');
    const err = toClusterError(new ApiException(400, 'Unknown API Status Code!', body, {}), { what: 'logs' });
    expect(isNoPreviousInstance(err)).toBe(true);
    expect(isNoPreviousInstance(new ClusterError('BAD_REQUEST', 'container "api" in pod "api-1" is waiting to start'))).toBe(false);
    expect(isNoPreviousInstance(new ClusterError('FORBIDDEN', 'previous terminated container "a" in pod "b" not found'))).toBe(false);
  });

  it('gives gaps a short label and the message', () => {
    expect(gapReason(new ClusterError('FORBIDDEN', 'Not allowed'))).toBe('forbidden: Not allowed');
  });
});
