// A local HTTP server standing in for the Kubernetes API server: every GET of one object answers 404,
// every list answers an empty list, and each request's path and query are recorded so a test can
// check what names and selectors the bot actually sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDnsLabel, isDnsSubdomain } from '../../src/cluster/names.ts';

export interface RecordedApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

export interface RecordingApiServer {
  url: string;
  requests: RecordedApiRequest[];
  /** A kubeconfig (YAML) whose current context points at this server. */
  kubeconfig: string;
  close(): Promise<void>;
}

const SELECTOR_NAME_FIELDS = new Set(['metadata.name', 'metadata.namespace', 'involvedObject.name', 'involvedObject.namespace', 'spec.nodeName']);

/** What is wrong with the names a recorded request carries (empty when nothing is). */
export function invalidNamesIn(request: RecordedApiRequest): string[] {
  const problems: string[] = [];
  const segments = request.path.split('/').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      problems.push(`undecodable path segment ${s.slice(0, 40)}`);
      return s;
    }
  });
  const ns = segments.indexOf('namespaces');
  if (ns >= 0) {
    const namespace = segments[ns + 1];
    if (namespace !== undefined && !isDnsLabel(namespace)) problems.push(`namespace "${namespace.slice(0, 80)}" (${namespace.length})`);
    const name = segments[ns + 3];
    if (name !== undefined && !isDnsSubdomain(name)) problems.push(`name "${name.slice(0, 80)}" (${name.length})`);
  }
  const container = request.query.get('container');
  if (container !== null && !isDnsLabel(container)) problems.push(`container "${container.slice(0, 80)}"`);
  const fieldSelector = request.query.get('fieldSelector');
  if (fieldSelector !== null) {
    if (fieldSelector.length > 1024) problems.push(`fieldSelector of ${fieldSelector.length} characters`);
    for (const term of fieldSelector.split(',')) {
      const [field = '', value = ''] = term.split(/!?==?/);
      if (SELECTOR_NAME_FIELDS.has(field) && !isDnsSubdomain(value)) problems.push(`fieldSelector ${field}="${value.slice(0, 80)}"`);
    }
  }
  return problems;
}

export async function startRecordingApiServer(): Promise<RecordingApiServer> {
  const requests: RecordedApiRequest[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://apiserver');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams });
    req.resume();
    const segments = url.pathname.split('/').filter((s) => s !== '');
    const ns = segments.indexOf('namespaces');
    // /api/v1/pods, /api/v1/namespaces/x/pods, /apis/apps/v1/deployments: a list; one more segment: an object.
    const isList = ns >= 0 ? segments.length === ns + 3 : !segments.includes('version') && segments.length <= (segments[0] === 'api' ? 3 : 4);
    if (isList) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '1' }, items: [] }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: recording\n  cluster:\n    server: ${url}\n    insecure-skip-tls-verify: true`,
    'users:',
    '- name: tester\n  user:\n    token: test-token-not-real',
    'contexts:',
    '- name: recording\n  context:\n    cluster: recording\n    user: tester',
    'current-context: recording',
    '',
  ].join('\n');
  return {
    url,
    requests,
    kubeconfig,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
