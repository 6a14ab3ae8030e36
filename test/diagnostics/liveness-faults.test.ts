// Liveness faults as a real cluster shows them (the kubelet's own event wording, the fault injectors' probe shapes:
// httpGet /healthz on a port the app does not serve, httpGet against a gRPC port, timings too tight for the app,
// startup and exec probes, events expired): every snapshot gets a finding, and the fix kind follows the fault.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../diagnostics/index.ts';
import { buildSnapshot } from '../fixtures/corpus/build.ts';
import type { CaseSpec, ContainerSpec, EventSpec } from '../fixtures/corpus/spec.ts';

type Want = 'probe-port' | 'probe-protocol' | 'probe-timing';

const injected = { http: { path: '/healthz', port: 8080 }, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 1 };
const refused = (ip: string, port: number, path = '/healthz', probe = 'Liveness') => `${probe} probe failed: Get "http://${ip}:${port}${path}": dial tcp ${ip}:${port}: connect: connection refused`;
const killing = (c: string, probe = 'liveness'): EventSpec => ({ reason: 'Killing', type: 'Normal', message: `Container ${c} failed ${probe} probe, will be restarted`, container: c, count: 4 });
const unhealthy = (c: string, message: string, count = 4): EventSpec => ({ reason: 'Unhealthy', message, container: c, count });
const MALFORMED = (ip: string, port: number) => `Liveness probe failed: Get "http://${ip}:${port}/healthz": net/http: HTTP/1.x transport connection broken: malformed HTTP response "\\x00\\x00\\x06\\x04\\x00\\x00\\x00\\x00\\x00\\x00\\x05\\x00\\x00@\\x00"`;
const DEADLINE = (ip: string, port: number) => `Liveness probe failed: Get "http://${ip}:${port}/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`;
// DeathStarBench's hotel reservation services log the port they serve from their config.
const HOTEL_LOG = (svc: string, port: number) => [
  `2026-09-15T12:24:43Z INF cmd/${svc}/main.go:25 > Reading config...`,
  `2026-09-15T12:24:51Z INF cmd/${svc}/main.go:51 > Read target port: ${port}`,
  `2026-09-15T12:24:51Z INF cmd/${svc}/main.go:52 > Read consul address: consul:8500`,
  `2026-09-15T12:24:51Z INF cmd/${svc}/main.go:86 > Starting server...`,
  `2026-09-15T12:24:51Z INF registry/registry.go:91 > Trying to register service [ name: srv-${svc}, id: 83259cf1, address: 10.244.1.18:${port} ]`,
  '',
].join('\n');

function snapshot(name: string, c: Partial<ContainerSpec> & { name: string }, extra: Partial<CaseSpec> = {}) {
  const spec: CaseSpec = {
    cause: 'liveness-probe-failed', file: name, source: 'constructed', note: 'constructed', container: c.name, pod: `${c.name}-7d9c6b5f4-abcde`,
    namespace: 'test-hotel-reservation', capturedAt: '2026-09-15T12:40:00Z',
    containers: [{ image: 'registry.example.com/app:1.0', last: { exitCode: 137, reason: 'Error', runSeconds: 20 }, restarts: 4, ...c }],
    ...extra,
  };
  return buildSnapshot(spec);
}

const CASES: { name: string; want: Want; snap: unknown }[] = [
  // Wrong port: with the events, without them, with no declared port (the logs say which), caught between kills.
  { name: 'port, events shown', want: 'probe-port', snap: snapshot('a', { name: 'hotel-reserv-geo', ports: [8083], liveness: injected }, { events: [unhealthy('hotel-reserv-geo', refused('10.244.1.12', 8080)), killing('hotel-reserv-geo')], stdEvents: true, logs: { 'hotel-reserv-geo': HOTEL_LOG('geo', 8083) } }) },
  { name: 'port, events expired', want: 'probe-port', snap: snapshot('b', { name: 'hotel-reserv-rate', ports: [8084], liveness: injected }, { logs: { 'hotel-reserv-rate': HOTEL_LOG('rate', 8084) } }) },
  { name: 'port, no declared port, server logs its own', want: 'probe-port', snap: snapshot('c', { name: 'hotel-reserv-user', liveness: injected }, { events: [unhealthy('hotel-reserv-user', refused('10.244.1.20', 8080))], stdEvents: true, logs: { 'hotel-reserv-user': HOTEL_LOG('user', 8086) } }) },
  { name: 'port, no declared port, events expired', want: 'probe-port', snap: snapshot('d', { name: 'hotel-reserv-profile', liveness: injected }, { logs: { 'hotel-reserv-profile': HOTEL_LOG('profile', 8081) } }) },
  { name: 'port, running again between kills', want: 'probe-port', snap: snapshot('e', { name: 'hotel-reserv-search', ports: [8082], liveness: injected, state: 'runningUnready' }, { events: [unhealthy('hotel-reserv-search', refused('10.244.1.21', 8080), 2)], stdEvents: true }) },
  { name: 'port, tcpSocket probe', want: 'probe-port', snap: snapshot('f', { name: 'redis', image: 'redis:7', ports: [6379], liveness: { tcp: 6380, periodSeconds: 10, failureThreshold: 3 }, last: { exitCode: 137, reason: 'Error', runSeconds: 40 } }, { events: [unhealthy('redis', 'Liveness probe failed: dial tcp 10.0.0.5:6380: connect: connection refused', 3)], stdEvents: true }) },
  { name: 'port, startup probe', want: 'probe-port', snap: snapshot('g', { name: 'api', ports: [3000], startup: { http: { path: '/ready', port: 8080 }, periodSeconds: 10, failureThreshold: 3 }, last: { exitCode: 143, reason: 'Error', runSeconds: 31 } }, { events: [unhealthy('api', refused('10.0.0.5', 8080, '/ready', 'Startup'), 9), killing('api', 'startup')], stdEvents: true }) },
  // Wrong protocol: httpGet against a gRPC port (the malformed HTTP/2 preface), with and without the Killing event.
  { name: 'protocol, gRPC port with Killing', want: 'probe-protocol', snap: snapshot('h', { name: 'cart', ports: [8080], liveness: injected }, { namespace: 'astronomy-shop', events: [unhealthy('cart', MALFORMED('10.244.0.19', 8080)), killing('cart')], stdEvents: true }) },
  { name: 'protocol, gRPC port, only Unhealthy', want: 'probe-protocol', snap: snapshot('i', { name: 'checkout', ports: [8080], liveness: injected, state: 'runningUnready' }, { events: [unhealthy('checkout', MALFORMED('10.244.0.23', 8080), 1)] }) },
  { name: 'protocol, gRPC on 50051', want: 'probe-protocol', snap: snapshot('j', { name: 'svc', ports: [50051], liveness: { http: { path: '/healthz', port: 50051 }, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 1 } }, { events: [unhealthy('svc', MALFORMED('10.0.0.5', 50051), 3)], stdEvents: true }) },
  { name: 'protocol, TLS port probed with HTTP', want: 'probe-protocol', snap: snapshot('k', { name: 'registry', ports: [5000], liveness: { http: { path: '/healthz', port: 5000, scheme: 'HTTP' }, periodSeconds: 10 } }, { events: [unhealthy('registry', 'Liveness probe failed: Get "http://10.1.1.5:5000/healthz": malformed HTTP response "\\x15\\x03\\x01\\x00\\x02\\x02"', 24)], stdEvents: true }) },
  // Timing: a slow answer, an app not up yet on the right port, a too-tight startup budget, exec probes, no events.
  { name: 'timing, client timeout', want: 'probe-timing', snap: snapshot('l', { name: 'slow', ports: [8080], liveness: { http: { path: '/healthz', port: 8080 }, initialDelaySeconds: 0, periodSeconds: 1, failureThreshold: 1 }, last: { exitCode: 137, reason: 'Error', runSeconds: 2 } }, { events: [unhealthy('slow', DEADLINE('10.0.0.5', 8080), 9), killing('slow')], stdEvents: true }) },
  { name: 'timing, refused on the right port while loading', want: 'probe-timing', snap: snapshot('m', { name: 'api', ports: [8080], liveness: { http: { path: '/healthz', port: 8080 }, initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 3 }, last: { exitCode: 143, reason: 'Error', runSeconds: 21 } }, { events: [unhealthy('api', refused('10.0.0.5', 8080), 9), killing('api')], stdEvents: true, logs: { api: 'Loading model weights...\n' } }) },
  { name: 'timing, startup probe budget', want: 'probe-timing', snap: snapshot('n', { name: 'jvm', ports: [8080], startup: { http: { path: '/ready', port: 8080 }, periodSeconds: 10, failureThreshold: 3 }, liveness: { http: { path: '/healthz', port: 8080 } }, last: { exitCode: 143, reason: 'Error', runSeconds: 31 } }, { events: [unhealthy('jvm', refused('10.0.0.5', 8080, '/ready', 'Startup'), 9), killing('jvm', 'startup')], stdEvents: true }) },
  { name: 'timing, exec probe timed out', want: 'probe-timing', snap: snapshot('o', { name: 'db', liveness: { exec: ['sh', '-c', 'pg_isready -U postgres'], periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 1 }, last: { exitCode: 137, reason: 'Error', runSeconds: 40 } }, { events: [unhealthy('db', 'Liveness probe failed: command "sh -c pg_isready -U postgres" timed out', 3)], stdEvents: true }) },
  { name: 'timing, exec probe errored', want: 'probe-timing', snap: snapshot('p', { name: 'cache', liveness: { exec: ['cat', '/tmp/healthy'], periodSeconds: 5, failureThreshold: 3 }, last: { exitCode: 137, reason: 'Error', runSeconds: 45 } }, { events: [unhealthy('cache', "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory", 3), killing('cache')], stdEvents: true }) },
  { name: 'timing, events expired, still loading', want: 'probe-timing', snap: snapshot('q', { name: 'search', ports: [8080], liveness: { http: { path: '/healthz', port: 8080 }, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3 }, last: { exitCode: 137, reason: 'Error', runSeconds: 41 } }, { logs: { search: 'Starting application\nLoading cache from disk...\n' } }) },
];

describe('liveness faults from a real cluster', () => {
  for (const c of CASES) {
    it(`${c.name}: a liveness finding with fix kind ${c.want}`, () => {
      const report = diagnose(c.snap);
      const first = report.findings[0];
      expect(first?.cause).toBe('liveness-probe-failed');
      expect(first?.fix.fixKind).toBe(c.want);
    });
  }

  it('a wrong-port fix names the port the app serves', () => {
    const first = diagnose(CASES[3]?.snap).findings[0];
    expect(first?.fix.snippet).toContain('port: 8081');
  });

  it('a gRPC-port fix proposes a grpc or tcpSocket probe, a TLS-port fix the HTTPS scheme', () => {
    expect(diagnose(CASES[7]?.snap).findings[0]?.fix.snippet).toMatch(/grpc:|tcpSocket:/);
    expect(diagnose(CASES[10]?.snap).findings[0]?.fix.snippet).toContain('scheme: HTTPS');
  });
});
