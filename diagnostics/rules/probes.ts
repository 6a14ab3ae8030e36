// liveness-probe-failed: the kubelet killed the container because its liveness or startup probe
// kept failing. Status and events outrank logs: after a liveness kill, "connection refused" in
// the log is the probe's view of a slow or hung app, not a dependency problem.
import type { Evidence, Finding, Rule } from '../types.ts';
import { obj, num, str, type Context, type ContainerCtx } from '../context.ts';
import { eventEvidence, lastTermination, statusEvidence } from '../evidence.ts';
import { makeFinding, perFailingContainer } from '../finding.ts';
import { describePod, logsPrevious, showSpec } from '../fix-commands.ts';

const KILL_RE = /failed (liveness|startup) probe/i;
const UNHEALTHY_RE = /^(Liveness|Startup) probe (?:failed|errored)/i;

function probeText(p: Record<string, unknown>): string {
  const parts: string[] = [];
  const http = obj(p.httpGet);
  if (Object.keys(http).length > 0) parts.push(`httpGet ${str(http.path) || '/'} port ${str(http.port)}`);
  const tcp = obj(p.tcpSocket);
  if (Object.keys(tcp).length > 0) parts.push(`tcpSocket port ${str(tcp.port)}`);
  const exec = obj(p.exec);
  if (Array.isArray(exec.command)) parts.push(`exec ${exec.command.map(str).join(' ')}`);
  if (Object.keys(obj(p.grpc)).length > 0) parts.push(`grpc port ${str(obj(p.grpc).port)}`);
  for (const k of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold']) {
    const v = num(p[k]);
    if (v !== undefined) parts.push(`${k}: ${v}`);
  }
  return parts.join(', ');
}

// The port an app says it serves on: "Listening on :8080", "Server Running: http://host:8080", "Tomcat started on
// port(s): 8080", "Uvicorn running on http://0.0.0.0:8000", "Now listening on: http://[::]:80", "listening on port 3000".
const LISTEN_RE = /\b(?:[Ll]istening|[Ll]isten|[Rr]unning|[Ss]tarted|[Ss]erving|[Bb]ound)\b[^\n]{0,80}?(?:https?:\/\/[^\s/]*?:|(?:^|[\s(=])(?:0\.0\.0\.0|\[::\]|::|\*|localhost|127\.0\.0\.1)?:|\bport(?:\(s\))?:?\s*)(\d{2,5})\b/;
const REFUSED_PORT_RE = /(?:dial tcp |Get "?https?:\/\/)[^\s:"]+:(\d{2,5})\b[^\n]*connection refused|connection refused[^\n]*:(\d{2,5})\b/;

/** When the probe is refused on one port while the app logged that it serves another, the probe points at the wrong port. */
function portMismatch(c: ContainerCtx, spec: Record<string, unknown> | undefined, failMsg: string): { probePort: string; appPort: string; line: string } | undefined {
  const refused = REFUSED_PORT_RE.exec(failMsg);
  const specPort = str(obj(spec?.httpGet).port) || str(obj(spec?.tcpSocket).port);
  const probePort = (refused?.[1] ?? refused?.[2]) || (/^\d+$/.test(specPort) ? specPort : '');
  if (!refused || probePort === '') return undefined;
  let found: { appPort: string; line: string } | undefined;
  for (const l of c.logLines) {
    // A client's port ("started, connecting to redis port 6379") is not where the app serves.
    if (/connect|dial|upstream|backend|proxy(?:ing)? to|redirect/i.test(l.text)) continue;
    const m = LISTEN_RE.exec(l.text);
    if (!m?.[1]) continue;
    if (m[1] === probePort) return undefined;
    found ??= { appPort: m[1], line: m[0].trim() };
  }
  return found ? { probePort, ...found } : undefined;
}

function evaluateContainer(ctx: Context, c: ContainerCtx): Finding | undefined {
  const kills = c.events.filter((e) => (e.reason === 'Killing' || e.reason === 'Unhealthy' || e.reason === '') && KILL_RE.test(e.message));
  const unhealthy = c.events.filter((e) => e.reason === 'Unhealthy' && UNHEALTHY_RE.test(e.message));
  if (kills.length === 0 && unhealthy.length === 0) return undefined;
  const t = lastTermination(c);
  const code = t?.exitCode;
  const kindOf = (kills[0] && KILL_RE.exec(kills[0].message)?.[1]) ?? (unhealthy[0] && UNHEALTHY_RE.exec(unhealthy[0].message)?.[1]) ?? 'liveness';
  const probe: 'liveness' | 'startup' = kindOf.toLowerCase() === 'startup' ? 'startup' : 'liveness';
  // A probe kill ends in SIGTERM (143), SIGKILL after the grace period (137), or a clean exit
  // (0) from apps that handle SIGTERM. Another exit code means the app died on its own first.
  const killShaped = code === undefined || code === 137 || code === 143 || code === 0 || code === 130 || t?.signal === 9 || t?.signal === 15;
  let confidence: number;
  const killCount = kills.reduce((n, e) => n + e.count, 0);
  if (kills.length > 0) confidence = killShaped ? 0.93 : killCount >= Math.max(1, c.restartCount / 2) ? 0.86 : 0.6;
  else if (c.restartCount > 0 && (code === 137 || code === 143)) confidence = 0.86;
  else if (c.restartCount > 0 && code === 0) confidence = 0.8;
  else confidence = 0.5;
  const spec = c.probes[probe];
  const evidence: Evidence[] = [
    ...statusEvidence(c),
    ...unhealthy.slice(-2).map(eventEvidence),
    ...kills.slice(-1).map(eventEvidence),
  ];
  if (spec) evidence.push({ kind: 'spec', source: `spec.containers[${c.name}].${probe}Probe`, text: probeText(spec) });
  const lastRun = t?.startedAt && t.finishedAt ? (Date.parse(t.finishedAt) - Date.parse(t.startedAt)) / 1000 : undefined;
  // A container that ran far longer than the probe gives it to come up did start: it stopped answering later.
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  const budget = spec ? num(spec.initialDelaySeconds, 0) + num(spec.periodSeconds, 10) * num(spec.failureThreshold, 3) : 30;
  const ranLong = probe === 'liveness' && lastRun !== undefined && Number.isFinite(lastRun) && lastRun > Math.max(180, 3 * budget);
  const slowStart = probe === 'liveness' && !c.hasStartup && !ranLong;
  const suggested: 'liveness' | 'startup' = slowStart ? 'startup' : probe;
  const failMsg = unhealthy[unhealthy.length - 1]?.message.replace(UNHEALTHY_RE, '').replace(/^:\s*/, '') ?? '';
  // Any Unhealthy event of this probe kind may carry the refused port (readiness shares the port but not the kill).
  const mismatch = portMismatch(c, spec, unhealthy.map((e) => e.message).join('\n'));
  return makeFinding(
    ctx, c, 'liveness-probe-failed', confidence,
    `The kubelet kills "${c.name}" because its ${probe} probe fails${failMsg ? `: ${failMsg.slice(0, 120)}` : ''}`,
    evidence,
    {
      kind: 'tune-probe', probe: suggested,
      summary: mismatch
        ? `Point the ${probe} probe of ${c.name} at port ${mismatch.appPort}: it checks port ${mismatch.probePort}, where nothing listens (connection refused), while the app logs "${mismatch.line.slice(0, 100)}"; or make the app listen on ${mismatch.probePort}.`
        : ranLong
        ? `${c.name} ran ${Math.round(lastRun ?? 0)} s before the liveness probe killed it, so it did start and then stopped answering: find why (a hang, CPU throttling, long GC pauses, a health check that waits on a slow dependency), and raise timeoutSeconds${spec ? ` (now ${num(spec.timeoutSeconds, 1)} s)` : ''}/failureThreshold if it is only slow under load.`
        : slowStart
        ? `Give ${c.name} time to start: add a startupProbe (or raise initialDelaySeconds) so the liveness probe only runs once the app is up${lastRun !== undefined && Number.isFinite(lastRun) ? ` (last run lasted ${Math.round(lastRun)} s)` : ''}; check the probe path and port.`
        : `Fix the ${probe} probe of ${c.name}: check its path/port and raise timeoutSeconds/failureThreshold, or fix what makes the endpoint fail.`,
      steps: [
        'Check that the probe path and port answer from inside the pod.',
        'Raise timeoutSeconds and failureThreshold if the app is slow under load.',
        'Do not make liveness depend on downstream services; use readiness for that.',
      ],
      commands: [describePod(ctx), logsPrevious(ctx, c), showSpec(ctx, c, `${probe}Probe`)],
      snippet: slowStart
        ? 'startupProbe:\n  httpGet:\n    path: /healthz\n    port: 8080\n  periodSeconds: 10\n  failureThreshold: 30   # up to 300 s to start\nlivenessProbe:\n  httpGet:\n    path: /healthz\n    port: 8080\n  timeoutSeconds: 5\n  failureThreshold: 3'
        : `${probe}Probe:\n  initialDelaySeconds: 30\n  timeoutSeconds: 5\n  periodSeconds: 10\n  failureThreshold: 6`,
    },
  );
}

export const livenessRule: Rule = perFailingContainer('liveness-probe-failed', evaluateContainer);
