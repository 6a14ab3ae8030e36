// The storm digest: one message per storm, posted before the incidents' own parents and edited in place
// as diagnoses land, so every workload's cause is readable in the channel view within seconds whatever
// Slack's pace ("100 workloads crash-looping in prod: 62 dns-failure, 30 oom-killed, 8 other"). When one
// cause dominates across workloads, it says a shared dependency is the likely root. Pure rendering plus
// one outbox write (keyed by the storm, versioned, so it is posted once and never goes backwards).
// Names come from alerts (hostile): only through the mrkdwn builders.
import { code, joinMrkdwn, mrkdwn, trusted, type Mrkdwn } from '../slack/mrkdwn.ts';
import { PRIORITY } from '../slack/outbox.ts';
import type { OutboxContent, OutboxTarget } from '../slack/outbox-store.ts';
import { context, section, type Block } from '../slack/render/limits.ts';
import { clip, formatDuration, slackDate } from '../slack/render/time.ts';
import { safeText } from './parent-message.ts';
import type { StormMember, StormSnapshot, StormTracker } from './storm.ts';

export const STORM_EVENT_TYPE = 'crashloop_storm';

/** The outbox key of a storm's digest: one message per storm, whatever the timing or a crash. */
export function digestKey(channel: string, stormId: string): string {
  return `storm:${channel}:${stormId}:digest`;
}

/** A dominant cause: at least this many workloads and at least this share of the diagnosed ones. */
export const DOMINANT_MIN = 3;
export const DOMINANT_SHARE = 0.5;

/** What a cause shared by many workloads at once usually points at. */
const SHARED_ROOT: Record<string, string> = {
  'dns-failure': 'cluster DNS (CoreDNS) or the name they all resolve',
  'dependency-unreachable': 'a service they all call (a database, a queue, an API)',
  'tls-error': 'a certificate or CA they all trust',
  'auth-failure': 'credentials they all use',
  'image-pull-failure': 'the registry or its pull credentials',
  'config-ref-missing': 'a ConfigMap or Secret they all reference',
  'missing-env-var': 'a shared ConfigMap, Secret or chart value',
  'config-invalid': 'a shared configuration change',
  'config-file-missing': 'a shared configuration change',
  'oom-killed': 'a shared change (base image, memory limits, load)',
  'disk-full': 'a node or volume they share',
  'volume-mount-failure': 'a storage class or volume they share',
  'permission-denied': 'a shared security context or policy change',
};

interface Group {
  label: string;
  emoji: string;
  members: StormMember[];
}

function name(member: StormMember, clusters: number): string {
  const workload = member.key.workload.replace(/^Deployment\//, '');
  const where = `${member.key.namespace}/${workload}`;
  return clip(clusters > 1 ? `${member.key.cluster}:${where}` : where, 90);
}

/** Workload names in a section, cut to fit Slack's section limit with "and N more". */
function names(members: StormMember[], clusters: number, room = 2600): Mrkdwn {
  const parts: Mrkdwn[] = [];
  let used = 0;
  for (const [i, m] of members.entries()) {
    const part = code(name(m, clusters));
    if (used + part.length + 2 > room) {
      parts.push(mrkdwn`… and ${members.length - i} more`);
      break;
    }
    parts.push(part);
    used += part.length + 2;
  }
  return joinMrkdwn(parts, ', ');
}

function groups(members: StormMember[]): { diagnosed: Group[]; rest: Group[] } {
  const byCause = new Map<string, StormMember[]>();
  const diagnosing: StormMember[] = [];
  const resolved: StormMember[] = [];
  const failed: StormMember[] = [];
  for (const m of members) {
    if (m.state.kind === 'diagnosed') byCause.set(m.state.cause, [...(byCause.get(m.state.cause) ?? []), m]);
    else if (m.state.kind === 'diagnosing') diagnosing.push(m);
    else if (m.state.kind === 'resolved') resolved.push(m);
    else failed.push(m);
  }
  const diagnosed = [...byCause.entries()]
    .sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : 1))
    .map(([cause, list]) => ({ label: cause, emoji: ':small_red_triangle:', members: list }));
  const rest: Group[] = [];
  if (diagnosing.length > 0) rest.push({ label: 'diagnosing', emoji: ':hourglass_flowing_sand:', members: diagnosing });
  if (failed.length > 0) rest.push({ label: 'could not be diagnosed', emoji: ':grey_question:', members: failed });
  if (resolved.length > 0) rest.push({ label: 'resolved', emoji: ':white_check_mark:', members: resolved });
  return { diagnosed, rest };
}

/** The headline counts: the top causes by name, the rest as "other", then diagnosing and resolved. */
function counts(diagnosed: Group[], rest: Group[], named = 2): string {
  const parts = diagnosed.slice(0, diagnosed.length > named + 1 ? named : named + 1).map((g) => `${g.members.length} ${g.label}`);
  const other = diagnosed.slice(diagnosed.length > named + 1 ? named : named + 1).reduce((n, g) => n + g.members.length, 0);
  if (other > 0) parts.push(`${other} other`);
  for (const g of rest) parts.push(`${g.members.length} ${g.label}`);
  return parts.join(', ');
}

export function renderStormDigest(snapshot: StormSnapshot, now: Date): OutboxContent {
  const members = snapshot.members;
  const clusterNames = [...new Set(members.map((m) => m.key.cluster))];
  const where = clusterNames.length === 1 ? (clusterNames[0] ?? '') : `${clusterNames.length} clusters`;
  const { diagnosed, rest } = groups(members);
  const diagnosedCount = diagnosed.reduce((n, g) => n + g.members.length, 0);
  const total = members.length;
  const workloads = `${total} workload${total === 1 ? '' : 's'}`;
  const started = new Date(snapshot.startedAt);
  const since = trusted(slackDate(started.toISOString()));

  const blocks: Block[] = [
    section(mrkdwn`:cloud_with_lightning: *Storm: ${workloads} crash-looping* in ${clusterNames.length === 1 ? code(where) : where} · ${counts(diagnosed, rest)}`),
    context(mrkdwn`Began ${since} (${formatDuration(now.getTime() - snapshot.startedAt)} ago) · ${diagnosedCount} of ${total} diagnosed · this message updates as diagnoses land`),
  ];
  const top = diagnosed[0];
  if (top !== undefined && diagnosed.length > 0 && top.members.length >= DOMINANT_MIN && top.members.length >= DOMINANT_SHARE * diagnosedCount) {
    const root = SHARED_ROOT[top.label] ?? 'a dependency or a change they share';
    blocks.push(section(mrkdwn`:dart: *${top.members.length} of ${diagnosedCount} diagnosed workloads fail with ${code(top.label)}*: one shared root is likely, ${root}. Look there first; these workloads should recover on their own once it is fixed.`));
  }
  // Slack allows 50 blocks: keep room for the closing line, fold the smallest causes together.
  const shown = [...diagnosed.slice(0, 40), ...rest];
  for (const g of shown) blocks.push(section(mrkdwn`${trusted(g.emoji)} *${g.label}* · ${g.members.length}\n${names(g.members, clusterNames.length)}`));
  const hidden = diagnosed.slice(40);
  if (hidden.length > 0) blocks.push(context(mrkdwn`${hidden.reduce((n, g) => n + g.members.length, 0)} more workloads with ${hidden.length} other causes`));
  blocks.push(context(mrkdwn`Each workload's own message follows with its cause, fix and buttons, at Slack's pace; evidence and logs in their threads :thread:`));

  return {
    text: safeText(`🌩️ ${workloads} crash-looping in ${where}: ${counts(diagnosed, rest)}`),
    blocks,
    metadata: { event_type: STORM_EVENT_TYPE, event_payload: { storm: snapshot.stormId, channel: snapshot.channel, workloads: total, diagnosed: diagnosedCount } },
  };
}

export interface DigestOutbox {
  put(key: string, target: OutboxTarget, content: OutboxContent, options?: { priority?: number; seq?: number }): Promise<void>;
}

/** Re-renders the storm's digest from its state and hands it to the outbox (posted once, then edited). */
export async function refreshStormDigest(storms: StormTracker, outbox: DigestOutbox, channel: string, stormId: string, now: Date): Promise<void> {
  const snapshot = await storms.snapshot(channel, stormId);
  if (snapshot === undefined) return;
  await outbox.put(digestKey(channel, stormId), { channel }, renderStormDigest(snapshot, now), { priority: PRIORITY.digest, seq: snapshot.version });
}
