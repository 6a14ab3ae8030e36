// The fix for a probe kill follows from the evidence, not from the cause alone: a probe aimed at a port nothing
// listens on gets the right port, an httpGet probe against a gRPC (or TLS) port gets the right protocol, a slow start
// gets a startupProbe, a slow answer a longer timeout. Snippets carry the container's real handler, port and path.
import type { ContainerCtx } from '../context.ts';
import { obj, str } from '../context.ts';

export type ProbeFixKind = 'probe-port' | 'probe-protocol' | 'probe-timing' | 'probe-path';

export interface ProbeAdvice {
  fixKind: ProbeFixKind;
  summary: string;
  snippet: string;
}

type Spec = Record<string, unknown> | undefined;

// The port an app says it serves on: "Listening on :8080", "Server Running: http://host:8080", "Tomcat started on
// port(s): 8080", "Uvicorn running on http://0.0.0.0:8000", "Now listening on: http://[::]:80", "listening on port 3000".
const LISTEN_RE = /\b(?:[Ll]istening|[Ll]isten|[Rr]unning|[Ss]tarted|[Ss]erving|[Bb]ound)\b[^\n]{0,80}?(?:https?:\/\/[^\s/]*?:|(?:^|[\s(=])(?:0\.0\.0\.0|\[::\]|::|\*|localhost|127\.0\.0\.1)?:|\bport(?:\(s\))?:?\s*)(\d{2,5})\b/;
// The port a server names in its own configuration or registration: "Read target port: 8087", "server port = 9090",
// "Trying to register service [ name: srv-geo, …, address: 10.244.1.18:8083 ]" (DeathStarBench's hotel reservation).
const SERVE_PORT_RE = /\b(?:target|server|service|serving|listen(?:ing)?|http|https|grpc|web|app)[ _-]?port\b["']?\s*[:=]\s*(\d{2,5})\b|\bregist\w*\b[^\n]{0,160}?\baddress:? ["']?[\w.-]+:(\d{2,5})\b/i;
// A TLS record read as HTTP (alert 0x15, handshake 0x16, version 0x03…): the port speaks HTTPS, not gRPC.
const TLS_BYTES = /malformed HTTP (?:response|status code) "\\x1[56]\\x03/;
const REFUSED_PORT_RE = /(?:dial tcp |Get "?https?:\/\/)[^\s:"]+:(\d{2,5})\b[^\n]*connection refused|connection refused[^\n]*:(\d{2,5})\b/;
// The kubelet's HTTP client reading a gRPC (HTTP/2) or otherwise non-HTTP/1 answer.
const MALFORMED_HTTP = /malformed HTTP (?:response|status code)|HTTP\/1\.x transport connection broken|net\/http: HTTP\/1\.x transport|\\x00\\x00\\x06\\x04|PRI \* HTTP\/2/;
// An httpGet probe speaking HTTP to a TLS port, or HTTPS to a plain one.
const SCHEME_MISMATCH = /server gave HTTP response to HTTPS client|first record does not look like a TLS handshake|http: server gave HTTP response|tls: oversized record|Client sent an HTTP request to an HTTPS server|received HTTP\/?[\d.]* response to HTTPS|plain HTTP request was sent to HTTPS port/i;
// A grpc probe against a server without the gRPC health service.
const NO_GRPC_HEALTH = /does not implement the grpc health protocol|grpc\.health\.v1\.Health[^\n]*(?:unimplemented|Unimplemented)|code = Unimplemented[^\n]*[Hh]ealth/;
// The port a command line tells the app to serve on: --port=8443, --secure-port 8443, --listen-address=:9090, --http.port=8080.
const FLAG_PORT = /^--?(?:[\w.-]*-)?(?:port|secure-port|http-port|https-port|listen(?:-address)?|bind(?:-address)?|web\.listen-address|http\.port|server\.port)(?:=|$)(?:[^\s:=]*:)?(\d{2,5})?$/;
// The port an exec probe's command talks to: grpc_health_probe -addr=:50051, curl http://localhost:8081/health, --port=9000.
const EXEC_PORT = /(?:-addr(?:ess)?=|--?port[= ]|(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])?:)(\d{2,5})\b/;
// An HTTP/1 request the port does not answer in HTTP: the server closes (EOF) or resets the connection.
const CLOSED_ON_HTTP = /: EOF\s*$|: EOF\b|read: connection reset by peer/m;
const TIMEOUT = /Client\.Timeout exceeded|context deadline exceeded|timeout: failed to connect|i\/o timeout|timed out/i;
const NOT_FOUND_STATUS = /statuscode: 404\b/;

const numOr = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);

/** The probe's port as written (a number, or a named port resolved to its number when the container declares it). */
export function probePort(c: ContainerCtx, spec: Spec): { written: string; number?: number } | undefined {
  const handler = obj(spec?.httpGet).port ?? obj(spec?.tcpSocket).port ?? obj(spec?.grpc).port;
  const written = str(handler);
  if (written === '') return undefined;
  if (/^\d+$/.test(written)) return { written, number: Number(written) };
  const named = c.ports.find((p) => p.name === written);
  return { written, number: named?.port };
}

/** The port the container's own command line sets (`--secure-port=8443`, `--port 9090`), when it sets exactly one. */
function flagPort(c: ContainerCtx): { port: string; line: string } | undefined {
  const argv = [...c.command, ...c.args];
  const found: { port: string; line: string }[] = [];
  argv.forEach((a, i) => {
    const m = FLAG_PORT.exec(a);
    if (!m) return;
    const port = m[1] ?? (/^\d{2,5}$/.test(argv[i + 1] ?? '') ? argv[i + 1] : undefined);
    if (port) found.push({ port, line: m[1] ? a : `${a} ${port}` });
  });
  return new Set(found.map((f) => f.port)).size === 1 ? found[0] : undefined;
}

// A web server listing its bound addresses: Pi-hole's "  - 0.0.0.0:80 (HTTP, IPv4, OK)", "http://0.0.0.0:8080 (HTTP)".
const BOUND_HTTP_RE = /(?:0\.0\.0\.0|\[::\]|::|\*):(\d{2,5})\s*\((?:HTTPS?|http|web)\b/;
// Listeners that are not what an HTTP probe talks to.
const NOT_WEB = /\b(?:NTP|DNS|DHCP|SNMP|syslog|gossip|raft|cluster|replication|metrics|debug|pprof|admin)\b/i;

/**
 * The port the app logged that it serves, skipping client lines ("connecting to redis port 6379"); else its
 * command-line flag. With several listeners, one the container declares wins, then one that is not an auxiliary
 * protocol's (Pi-hole logs its NTP listener on 123 before its web server on 80), then the first.
 */
export function listenPort(c: ContainerCtx): { port: string; line: string; all: string[] } | undefined {
  const found: { port: string; line: string; aux: boolean }[] = [];
  for (const l of c.logLines) {
    if (found.length >= 8) break;
    if (/connect|dial|upstream|backend|proxy(?:ing)? to|redirect/i.test(l.text)) continue;
    const m = LISTEN_RE.exec(l.text) ?? BOUND_HTTP_RE.exec(l.text);
    const s = m?.[1] ? null : SERVE_PORT_RE.exec(l.text);
    const port = m?.[1] ?? s?.[1] ?? s?.[2];
    if (port) found.push({ port, line: (m ?? s)?.[0].trim() ?? l.text, aux: NOT_WEB.test(l.text) });
  }
  const declared = new Set(c.ports.map((p) => String(p.port)));
  const pick = found.find((f) => declared.has(f.port) && !f.aux) ?? found.find((f) => !f.aux) ?? found[0];
  if (pick) return { port: pick.port, line: pick.line, all: found.map((f) => f.port) };
  const flag = flagPort(c);
  return flag ? { ...flag, all: [flag.port] } : undefined;
}

/** An exec probe's command with its port replaced (other handlers are rewritten by handlerYaml itself). */
function withExecPort(spec: Spec, from: string, to: string): Spec {
  const exec = obj(spec?.exec);
  if (!spec || !Array.isArray(exec.command)) return spec;
  const re = new RegExp(`([:=\\s])${from}\\b`);
  return { ...spec, exec: { ...exec, command: exec.command.map((a) => str(a).replace(re, `$1${to}`)) } };
}

function handlerYaml(spec: Spec, indent: string, port: string, kind: 'http' | 'grpc' | 'tcp' = 'http'): string {
  const http = obj(spec?.httpGet);
  const exec = obj(spec?.exec);
  if (kind === 'grpc') return `${indent}grpc:\n${indent}  port: ${port}`;
  if (kind === 'tcp') return `${indent}tcpSocket:\n${indent}  port: ${port}`;
  if (Object.keys(http).length > 0) {
    const scheme = str(http.scheme);
    return `${indent}httpGet:\n${indent}  path: ${str(http.path) || '/'}\n${indent}  port: ${port}${scheme ? `\n${indent}  scheme: ${scheme}` : ''}`;
  }
  if (Object.keys(obj(spec?.tcpSocket)).length > 0) return `${indent}tcpSocket:\n${indent}  port: ${port}`;
  if (Object.keys(obj(spec?.grpc)).length > 0) return `${indent}grpc:\n${indent}  port: ${port}`;
  if (Array.isArray(exec.command)) return `${indent}exec:\n${indent}  command: ${JSON.stringify(exec.command.map(str))}`;
  return `${indent}httpGet:\n${indent}  path: /healthz\n${indent}  port: ${port}`;
}

function timingLines(spec: Spec, indent: string, over: Record<string, number>): string {
  const keys = ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold'];
  return keys.map((k) => {
    const v = over[k] ?? (typeof spec?.[k] === 'number' ? spec[k] : undefined);
    return v === undefined ? '' : `\n${indent}${k}: ${v}`;
  }).join('');
}

export interface ProbeFacts {
  probe: 'liveness' | 'startup';
  spec: Spec;
  /** Every Unhealthy/kill message of this probe, newest last. */
  messages: string[];
  lastRun?: number;
  ranLong: boolean;
  slowStart: boolean;
}

/** The port the probe should use instead, with the reason, when the evidence shows it aims at the wrong one. */
/** The one port an exec probe's command names, if it names one. */
function execPort(spec: Spec): string | undefined {
  const exec = obj(spec?.exec);
  if (!Array.isArray(exec.command)) return undefined;
  const found = new Set(exec.command.map(str).map((a) => EXEC_PORT.exec(a)?.[1]).filter((p): p is string => p !== undefined));
  return found.size === 1 ? [...found][0] : undefined;
}

function wrongPort(c: ContainerCtx, f: ProbeFacts): { from: string; to: string; why: string } | undefined {
  const declared = probePort(c, f.spec);
  // An exec probe names its port in its command; only what the app says it serves (not the declared ports, which
  // often leave out a gRPC or admin port) proves it wrong.
  const viaExec = declared === undefined ? execPort(f.spec) : undefined;
  if (viaExec !== undefined && !f.messages.some((m) => /connection refused/.test(m))) {
    const listen = listenPort(c);
    if (!listen || listen.all.includes(viaExec)) return undefined;
    return { from: viaExec, to: listen.port, why: `the app serves on ${listen.port} ("${listen.line.slice(0, 100)}")` };
  }
  const refused = f.messages.map((m) => REFUSED_PORT_RE.exec(m)).find((m) => m !== null);
  const refusedPort = refused ? (refused[1] ?? refused[2]) : undefined;
  const from = refusedPort ?? viaExec ?? (declared?.number !== undefined ? String(declared.number) : declared?.written);
  if (from === undefined) return undefined;
  const listen = listenPort(c);
  // The app does serve the refused port (it logs so): it was not up yet, a timing problem, not a wrong port.
  if (refusedPort !== undefined && listen?.all.includes(refusedPort)) return undefined;
  if (refusedPort !== undefined && listen && listen.port !== refusedPort) {
    return { from: refusedPort, to: listen.port, why: `nothing listens there (connection refused), while the app logs "${listen.line.slice(0, 100)}"` };
  }
  if (listen?.port === from) return undefined;
  if (listen && c.ports.length === 0) return { from, to: listen.port, why: `the app serves on ${listen.port} ("${listen.line.slice(0, 100)}")` };
  const ports = c.ports.map((p) => String(p.port));
  if (declared && declared.number === undefined && !/^\d+$/.test(declared.written)) {
    // A named port the container does not declare: the kubelet cannot resolve it at all.
    const to = listen?.port ?? ports[0];
    return to ? { from: declared.written, to, why: `the container declares no port named "${declared.written}"` } : undefined;
  }
  if (ports.length > 0 && !ports.includes(from)) {
    const to = (listen && ports.includes(listen.port) ? listen.port : undefined) ?? (ports.length === 1 ? ports[0] : c.ports.find((p) => /http|web|health|metric|admin/i.test(p.name ?? ''))?.port.toString() ?? ports[0]);
    return to ? { from, to, why: `the container exposes ${ports.join(', ')}, not ${from}${refusedPort ? ' (connection refused)' : ''}` } : undefined;
  }
  return undefined;
}

export function probeAdvice(c: ContainerCtx, f: ProbeFacts): ProbeAdvice {
  const { probe, spec } = f;
  const port = probePort(c, spec);
  const portText = port?.written ?? String(c.ports[0]?.port ?? 8080);
  const all = f.messages.join('\n');
  const isHttp = Object.keys(obj(spec?.httpGet)).length > 0;
  const grpcPort = c.ports.find((p) => /grpc/i.test(p.name ?? '') && (String(p.port) === port?.written || p.name === port?.written));
  const mismatch = wrongPort(c, f);
  if (mismatch) {
    return {
      fixKind: 'probe-port',
      summary: `Point the ${probe} probe of ${c.name} at port ${mismatch.to}: it checks port ${mismatch.from}, but ${mismatch.why}; or make the app listen on ${mismatch.from}.`,
      snippet: `${probe}Probe:\n${handlerYaml(withExecPort(spec, mismatch.from, mismatch.to), '  ', mismatch.to)}${timingLines(spec, '  ', {})}`,
    };
  }
  if (isHttp && TLS_BYTES.test(all) && str(obj(spec?.httpGet).scheme).toUpperCase() !== 'HTTPS') {
    return {
      fixKind: 'probe-protocol',
      summary: `The ${probe} probe of ${c.name} sends plain HTTP to port ${portText}, which answers with TLS (the kubelet reads a TLS record as a malformed HTTP response): set httpGet.scheme: HTTPS.`,
      snippet: `${probe}Probe:\n  httpGet:\n    path: ${str(obj(spec?.httpGet).path) || '/'}\n    port: ${portText}\n    scheme: HTTPS${timingLines(spec, '  ', {})}`,
    };
  }
  if (isHttp && (MALFORMED_HTTP.test(all) || grpcPort)) {
    return {
      fixKind: 'probe-protocol',
      summary: `The ${probe} probe of ${c.name} sends HTTP/1 to port ${portText}, which speaks gRPC (HTTP/2)${MALFORMED_HTTP.test(all) ? ': the kubelet reads a malformed HTTP response' : ''}. Use a grpc probe (Kubernetes ≥ 1.24, when the app implements grpc.health.v1) or a tcpSocket probe on that port instead of httpGet.`,
      snippet: `${probe}Probe:\n${handlerYaml(spec, '  ', portText, 'grpc')}${timingLines(spec, '  ', {})}\n# or, without the gRPC health service:\n# ${probe}Probe:\n#   tcpSocket:\n#     port: ${portText}`,
    };
  }
  if (isHttp && CLOSED_ON_HTTP.test(all) && !TIMEOUT.test(all) && !/connection refused/.test(all)) {
    return {
      fixKind: 'probe-protocol',
      summary: `The ${probe} probe of ${c.name} sends HTTP/1 to port ${portText}, which closes the connection instead of answering (EOF or reset): the port speaks another protocol (TLS, gRPC, Thrift, a database). Use scheme HTTPS if it serves TLS, a grpc probe for gRPC, else a tcpSocket probe on that port.`,
      snippet: `${probe}Probe:\n${handlerYaml(spec, '  ', portText, 'tcp')}${timingLines(spec, '  ', {})}`,
    };
  }
  if (NO_GRPC_HEALTH.test(all)) {
    return {
      fixKind: 'probe-protocol',
      summary: `The ${probe} probe of ${c.name} is a grpc probe, but the server on port ${portText} does not implement the gRPC health service (grpc.health.v1.Health): register the health service in the app, or probe the port with tcpSocket instead.`,
      snippet: `${probe}Probe:\n${handlerYaml(spec, '  ', portText, 'tcp')}${timingLines(spec, '  ', {})}`,
    };
  }
  if (isHttp && SCHEME_MISMATCH.test(all)) {
    const scheme = str(obj(spec?.httpGet).scheme).toUpperCase() === 'HTTPS' ? 'HTTP' : 'HTTPS';
    return {
      fixKind: 'probe-protocol',
      summary: `The ${probe} probe of ${c.name} speaks the wrong scheme to port ${portText}: set httpGet.scheme: ${scheme} (or probe a plain-HTTP health port).`,
      snippet: `${probe}Probe:\n  httpGet:\n    path: ${str(obj(spec?.httpGet).path) || '/'}\n    port: ${portText}\n    scheme: ${scheme}${timingLines(spec, '  ', {})}`,
    };
  }
  if (isHttp && NOT_FOUND_STATUS.test(all)) {
    return {
      fixKind: 'probe-path',
      summary: `The ${probe} probe of ${c.name} asks for ${str(obj(spec?.httpGet).path) || '/'} on port ${portText} and gets 404: point it at the app's real health endpoint.`,
      snippet: `${probe}Probe:\n${handlerYaml(spec, '  ', portText)}${timingLines(spec, '  ', {})}`,
    };
  }
  const period = numOr(spec?.periodSeconds, 10);
  if (f.ranLong) {
    return {
      fixKind: 'probe-timing',
      summary: `${c.name} ran ${Math.round(f.lastRun ?? 0)} s before the liveness probe killed it, so it did start and then stopped answering: find why (a hang, CPU throttling, long GC pauses, a health check that waits on a slow dependency), and raise timeoutSeconds (now ${numOr(spec?.timeoutSeconds, 1)} s)/failureThreshold if it is only slow under load.`,
      snippet: `${probe}Probe:\n${handlerYaml(spec, '  ', portText)}${timingLines(spec, '  ', { timeoutSeconds: Math.max(5, numOr(spec?.timeoutSeconds, 1) * 3), failureThreshold: Math.max(6, numOr(spec?.failureThreshold, 3)) })}`,
    };
  }
  if (f.slowStart || probe === 'startup') {
    const budget = Math.max(300, Math.ceil(((f.lastRun ?? 0) * 3) / period) * period);
    return {
      fixKind: 'probe-timing',
      summary: `Give ${c.name} time to start: ${probe === 'startup' ? 'raise the startupProbe\'s failureThreshold' : 'add a startupProbe (or raise initialDelaySeconds)'} so the liveness probe only runs once the app is up${f.lastRun !== undefined && Number.isFinite(f.lastRun) ? ` (last run lasted ${Math.round(f.lastRun)} s)` : ''}.`,
      snippet: `startupProbe:\n${handlerYaml(c.probes.startup ?? spec, '  ', portText)}\n  periodSeconds: ${period}\n  failureThreshold: ${Math.ceil(budget / period)}   # up to ${budget} s to start${c.probes.liveness ? `\nlivenessProbe:\n${handlerYaml(c.probes.liveness, '  ', portText)}${timingLines(c.probes.liveness, '  ', { timeoutSeconds: Math.max(5, numOr(c.probes.liveness.timeoutSeconds, 1)) })}` : ''}`,
    };
  }
  const slowAnswer = TIMEOUT.test(all);
  return {
    fixKind: 'probe-timing',
    summary: slowAnswer
      ? `The ${probe} probe of ${c.name} times out (timeoutSeconds ${numOr(spec?.timeoutSeconds, 1)} s): raise timeoutSeconds and failureThreshold, or make the health endpoint answer without waiting on slow work.`
      : `Fix the ${probe} probe of ${c.name}: check its path/port and raise timeoutSeconds/failureThreshold, or fix what makes the endpoint fail.`,
    snippet: `${probe}Probe:\n${handlerYaml(spec, '  ', portText)}${timingLines(spec, '  ', { timeoutSeconds: Math.max(5, numOr(spec?.timeoutSeconds, 1)), failureThreshold: Math.max(6, numOr(spec?.failureThreshold, 3)) })}`,
  };
}
