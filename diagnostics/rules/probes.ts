// liveness-probe-failed: the kubelet killed the container because its liveness or startup probe
// kept failing. Status and events outrank logs: after a liveness kill, "connection refused" in
// the log is the probe's view of a slow or hung app, not a dependency problem.
import type { Evidence, Finding, Rule } from '../types.ts';
import { obj, num, str, type Context, type ContainerCtx } from '../context.ts';
import { probeAdvice } from './probe-fix.ts';
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

// What an app logs while it is still coming up or catching up: the kubelet's kill interrupts it.
const STILL_STARTING = /\b(?:starting|initiali[sz]ing|loading|migrating|recovering|recovery|replaying|warming|bootstrapping|compacting|rebuilding|indexing|syncing|catching up|waiting for|opening|scanning|upgrading)\b/i;

/**
 * A probe kill whose events have expired: a non-OOM SIGTERM/SIGKILL exit of a container restarted in place with a
 * liveness or startup probe. More likely when the run lasted what the probe allows (initialDelaySeconds +
 * failureThreshold × periodSeconds, within a period, plus the grace period for a SIGKILL) or the app was still starting.
 */
function inferredKill(ctx: Context, c: ContainerCtx): { probe: 'liveness' | 'startup'; confidence: number; why: string } | undefined {
  if (!c.hasLiveness && !c.hasStartup) return undefined;
  const t = lastTermination(c);
  if (!t || c.restartCount === 0 || t.reason === 'OOMKilled') return undefined;
  // Apps that handle SIGTERM exit 0 when the kubelet stops them: that counts only when the run matches the probe's budget.
  const sig = t.exitCode === 137 || t.signal === 9 ? 'SIGKILL' : t.exitCode === 143 || t.signal === 15 ? 'SIGTERM' : t.exitCode === 0 ? 'exit 0' : undefined;
  if (!sig) return undefined;
  if (ctx.events.some((e) => /^(?:OOMKilling|SystemOOM|Evicted|Preempting|NodeShutdown)$/.test(e.reason))) return undefined;
  const run = t.startedAt && t.finishedAt ? (Date.parse(t.finishedAt) - Date.parse(t.startedAt)) / 1000 : undefined;
  const fits = (spec: Record<string, unknown> | undefined) => {
    if (!spec || run === undefined || !Number.isFinite(run)) return false;
    const period = num(spec.periodSeconds) ?? 10;
    const budget = (num(spec.initialDelaySeconds) ?? 0) + (num(spec.failureThreshold) ?? 3) * period;
    return run >= budget - period && run <= budget + period + (sig === 'SIGKILL' ? ctx.gracePeriod : 0);
  };
  const probe: 'liveness' | 'startup' = c.hasStartup && (fits(c.probes.startup) || !c.hasLiveness) ? 'startup' : 'liveness';
  const timed = fits(c.probes[probe]);
  if (sig === 'exit 0' && !timed) return undefined;
  const tail = c.logLines.filter((l) => !l.source.endsWith('.message')).slice(-3);
  const starting = tail.some((l) => STILL_STARTING.test(l.text));
  const why = timed ? `its run (${Math.round(run ?? 0)} s) matches what the ${probe} probe allows` : starting ? 'it was still starting when it was stopped' : `it was stopped by ${sig} with a ${probe} probe defined`;
  return { probe, confidence: sig === 'exit 0' ? 0.7 : timed || starting ? 0.86 : 0.72, why };
}

function evaluateContainer(ctx: Context, c: ContainerCtx): Finding | undefined {
  const kills = c.events.filter((e) => (e.reason === 'Killing' || e.reason === 'Unhealthy' || e.reason === '') && KILL_RE.test(e.message));
  const unhealthy = c.events.filter((e) => e.reason === 'Unhealthy' && UNHEALTHY_RE.test(e.message));
  const inferred = kills.length === 0 && unhealthy.length === 0 ? inferredKill(ctx, c) : undefined;
  if (kills.length === 0 && unhealthy.length === 0 && !inferred) return undefined;
  const t = lastTermination(c);
  const code = t?.exitCode;
  const kindOf = inferred?.probe ?? (kills[0] && KILL_RE.exec(kills[0].message)?.[1]) ?? (unhealthy[0] && UNHEALTHY_RE.exec(unhealthy[0].message)?.[1]) ?? 'liveness';
  const probe: 'liveness' | 'startup' = kindOf.toLowerCase() === 'startup' ? 'startup' : 'liveness';
  // A probe kill ends in SIGTERM (143), SIGKILL after the grace period (137), or a clean exit
  // (0) from apps that handle SIGTERM. Another exit code means the app died on its own first.
  const killShaped = code === undefined || code === 137 || code === 143 || code === 0 || code === 130 || t?.signal === 9 || t?.signal === 15;
  let confidence: number;
  const killCount = kills.reduce((n, e) => n + e.count, 0);
  if (inferred) confidence = inferred.confidence;
  else if (kills.length > 0) confidence = killShaped ? 0.93 : killCount >= Math.max(1, c.restartCount / 2) ? 0.86 : 0.6;
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
  if (c.ports.length > 0) evidence.push({ kind: 'spec', source: `spec.containers[${c.name}].ports`, text: c.ports.map((p) => `${p.name ? `${p.name}: ` : ''}${p.port}`).join(', ') });
  const lastRun = t?.startedAt && t.finishedAt ? (Date.parse(t.finishedAt) - Date.parse(t.startedAt)) / 1000 : undefined;
  // A container that ran far longer than the probe gives it to come up did start: it stopped answering later.
  const budget = spec ? (num(spec.initialDelaySeconds) ?? 0) + (num(spec.periodSeconds) ?? 10) * (num(spec.failureThreshold) ?? 3) : 30;
  const ranLong = probe === 'liveness' && lastRun !== undefined && Number.isFinite(lastRun) && lastRun > Math.max(180, 3 * budget);
  const slowStart = probe === 'liveness' && !c.hasStartup && !ranLong;
  const suggested: 'liveness' | 'startup' = slowStart ? 'startup' : probe;
  const failMsg = unhealthy[unhealthy.length - 1]?.message.replace(UNHEALTHY_RE, '').replace(/^:\s*/, '') ?? '';
  // Any Unhealthy event of this probe kind may carry the refused port (readiness shares the port but not the kill).
  const advice = probeAdvice(c, { probe, spec, messages: [...unhealthy, ...kills].map((e) => e.message), lastRun, ranLong, slowStart });
  const title = inferred
    ? `The kubelet most likely kills "${c.name}" through its ${probe} probe: ${inferred.why} (the probe events have expired or were not captured)`
    : `The kubelet kills "${c.name}" because its ${probe} probe fails${failMsg ? `: ${failMsg.slice(0, 120)}` : ''}`;
  return makeFinding(
    ctx, c, 'liveness-probe-failed', confidence, title, evidence,
    {
      kind: 'tune-probe', probe: advice.fixKind === 'probe-timing' ? suggested : probe, fixKind: advice.fixKind,
      summary: advice.summary,
      steps: [
        inferred ? `Confirm the kill: kubectl get events -n ${ctx.namespace} --field-selector involvedObject.name=${ctx.podName} shows "Liveness probe failed"/"Startup probe failed" while it happens.` : 'Check that the probe path and port answer from inside the pod.',
        'Raise timeoutSeconds and failureThreshold if the app is slow under load.',
        'Do not make liveness depend on downstream services; use readiness for that.',
      ],
      commands: [describePod(ctx), logsPrevious(ctx, c), showSpec(ctx, c, `${probe}Probe`)],
      snippet: advice.snippet,
    },
  );
}

export const livenessRule: Rule = perFailingContainer('liveness-probe-failed', evaluateContainer);
