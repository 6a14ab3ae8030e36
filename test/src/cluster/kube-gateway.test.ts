// The real gateway and client against a tiny local HTTP server speaking the API's error shapes:
// proves the mapping of real client failures, the per-call timeout and the caller's AbortSignal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClusterError } from '../../../src/cluster/types.ts';
import { createKubeGateway, loadKubeConfig } from '../../../src/cluster/kube-gateway.ts';

function kubeconfig(server: string, context = 'test-ctx'): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: test-cluster
  cluster:
    server: ${server}
    insecure-skip-tls-verify: true
users:
- name: test-user
  user:
    token: s3cr3t-test
contexts:
- name: ${context}
  context: { cluster: test-cluster, user: test-user }
current-context: ${context}
`;
}

let server: Server;
let base: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    const url = req.url ?? '';
    const reply = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.startsWith('/api/v1/namespaces/prod/pods/hang')) return; // never answers
    if (url.startsWith('/api/v1/namespaces/prod/pods/forbidden')) {
      return reply(403, { kind: 'Status', status: 'Failure', code: 403, reason: 'Forbidden', message: 'pods "forbidden" is forbidden: User "system:serviceaccount:ops:bot" cannot get resource "pods"' });
    }
    if (url.startsWith('/api/v1/namespaces/prod/pods/api/log')) {
      return reply(400, { kind: 'Status', status: 'Failure', code: 400, reason: 'BadRequest', message: 'previous terminated container "api" in pod "api" not found' });
    }
    if (url.startsWith('/api/v1/namespaces/prod/pods/api')) {
      return reply(200, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api', namespace: 'prod', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { containers: [{ name: 'api', image: 'app:1.0' }] } });
    }
    if (url.startsWith('/api/v1/namespaces/prod/events')) {
      return reply(200, { kind: 'EventList', apiVersion: 'v1', metadata: {}, items: [] });
    }
    reply(404, { kind: 'Status', status: 'Failure', code: 404, reason: 'NotFound', message: `${url} not found` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('KubeGateway over a local API server', () => {
  it('reads a pod with the bearer token and names the cluster after the context', async () => {
    const gw = createKubeGateway({ kubeconfigText: kubeconfig(base), env: {} });
    expect(gw.cluster).toBe('test-ctx');
    const pod = await gw.getPod('prod', 'api');
    expect(pod.metadata?.name).toBe('api');
    expect(seen.some((s) => s.startsWith('GET /api/v1/namespaces/prod/pods/api ') && s.endsWith('Bearer s3cr3t-test'))).toBe(true);
  });

  it('sends the field selector for events', async () => {
    const gw = createKubeGateway({ kubeconfigText: kubeconfig(base), env: {} });
    await gw.listEvents('prod', 'api');
    const call = seen.find((s) => s.startsWith('GET /api/v1/namespaces/prod/events'));
    expect(decodeURIComponent(call ?? '')).toContain('fieldSelector=involvedObject.name=api,involvedObject.namespace=prod');
  });

  it('maps 404, 403 and the no-previous-instance 400', async () => {
    const gw = createKubeGateway({ kubeconfigText: kubeconfig(base), env: {}, clusterName: 'named' });
    await expect(gw.getPod('prod', 'missing')).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await expect(gw.getPod('prod', 'forbidden')).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('cannot get resource "pods"') });
    await expect(gw.readLogs('prod', 'api', 'api', { previous: true, tailLines: 10 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('previous terminated container'),
    });
    expect(seen.some((s) => s.includes('/log?') && s.includes('previous=true') && s.includes('tailLines=10'))).toBe(true);
  });

  it('times out a call that never answers', async () => {
    const gw = createKubeGateway({ kubeconfigText: kubeconfig(base), env: {}, timeoutMs: 200 });
    const err = await gw.getPod('prod', 'hang').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect(err).toMatchObject({ code: 'TIMEOUT' });
  });

  it("honours the caller's AbortSignal", async () => {
    const gw = createKubeGateway({ kubeconfigText: kubeconfig(base), env: {} });
    const controller = new AbortController();
    const pending = gw.getPod('prod', 'hang', controller.signal).catch((e: unknown) => e);
    controller.abort();
    expect(await pending).toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('cancelled') });
  });

  it('reports an unreachable API server as UNAVAILABLE', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const gw = createKubeGateway({ kubeconfigText: kubeconfig(`http://127.0.0.1:${port}`), env: {} });
    await expect(gw.ping()).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('uses the in-cluster service account when running in a pod without a kubeconfig', () => {
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
    process.env.KUBERNETES_SERVICE_PORT = '443';
    try {
      const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
      expect(loadKubeConfig({ env }).getCurrentCluster()?.server).toBe('https://10.96.0.1:443');
      expect(createKubeGateway({ env }).cluster).toBe('in-cluster');
      expect(createKubeGateway({ env: { ...env, CLUSTER_NAME: 'prod-eu' } }).cluster).toBe('prod-eu');
      // An explicit kubeconfig wins over the in-cluster credentials.
      expect(createKubeGateway({ env, kubeconfigText: kubeconfig(base) }).cluster).toBe('test-ctx');
    } finally {
      if (saved.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
      else process.env.KUBERNETES_SERVICE_HOST = saved.host;
      if (saved.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
      else process.env.KUBERNETES_SERVICE_PORT = saved.port;
    }
  });

  it('rejects an unknown --context with the known ones', () => {
    expect(() => loadKubeConfig({ kubeconfigText: kubeconfig(base), context: 'nope', env: {} })).toThrow(/Kube context "nope" is not in the kubeconfig. Known contexts: test-ctx/);
  });
});
