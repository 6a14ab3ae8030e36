// The incident's parent message: the one message people read in the channel view. It is the report:
// status with age and restarts, where, the diagnosed container, last exit, the cause in one line, the
// fix and the buttons; later it says what was done and when it resolved. Pure: incident state + clock.
// Every value from the cluster or an alert (names, titles, log-derived text) is hostile: it is only ever
// interpolated through src/slack/mrkdwn.ts's `mrkdwn` tag (escaped once); `trusted` wraps date tokens only.
import { ACTION_IDS } from '../actions/types.ts';
import { rollbackConfirm, sleepOverrideConfirm } from '../actions/confirm-text.ts';
import type { IncidentKey } from '../queue/types.ts';
import { button } from '../slack/render/buttons.ts';
import { feedbackBlock } from '../feedback/render.ts';
import { code, fallbackText, joinMrkdwn, mrkdwn, text, trusted, userMention, type Mrkdwn, type SlackText } from '../slack/mrkdwn.ts';
import { context, fitBlocks, section, type Block, type ButtonElement } from '../slack/render/limits.ts';
import { ago, clip, FALLBACK_MAX, formatDuration, slackDate } from '../slack/render/time.ts';
import { DEFAULT_DEBUG_COMMAND, REPORT_EVENT_TYPE, type ReportMetadata } from '../slack/render/report.ts';
import type { Incident } from './store.ts';
import type { DiagnosisSummary } from './summary.ts';

export interface RenderedParent {
  text: SlackText;
  blocks: Block[];
  /** The report's message metadata (cause, container, pod, …), once diagnosed. */
  metadata?: ReportMetadata;
}

function metadata(incident: Incident): ReportMetadata | undefined {
  const d = incident.diagnosis;
  if (d === undefined) return undefined;
  const { key } = incident;
  return {
    event_type: REPORT_EVENT_TYPE,
    event_payload: { cause: d.cause, container: d.container, namespace: d.namespace, pod: d.pod, cluster: key.cluster, incident: `${key.cluster}/${key.namespace}/${key.workload}` },
  };
}

/** The outbox key of an incident's parent: one per incident, whatever the timing. */
export function parentKey(key: IncidentKey): string {
  return `incident:${key.cluster}/${key.namespace}/${key.workload}:parent`;
}

/** `text` fallback: one line, escaped, at most 200 characters. */
export function safeText(raw: string): SlackText {
  return fallbackText(clip(raw, FALLBACK_MAX), FALLBACK_MAX);
}

/** A Slack date token and its age; built from a parsed time only, so it is the bot's own markup. */
function when(iso: string, now: Date): Mrkdwn | undefined {
  const token = slackDate(iso);
  return token === '' ? undefined : trusted(`${token} (${ago(iso, now)})`);
}

function where(key: IncidentKey): Mrkdwn {
  return mrkdwn`*${key.namespace}/${key.workload}* · cluster ${code(key.cluster)}`;
}

function lastExit(d: DiagnosisSummary): Mrkdwn | undefined {
  const parts = [d.lastExitCode === undefined ? '' : `exit ${d.lastExitCode}`, d.lastReason === undefined ? '' : clip(d.lastReason, 60)].filter((p) => p !== '');
  return parts.length === 0 ? undefined : joinMrkdwn(parts, ' · ');
}

function statusLine(incident: Incident, now: Date): Mrkdwn {
  const d = incident.diagnosis;
  const parts: Mrkdwn[] = [];
  const age = Date.parse(incident.openedAt);
  const state = incident.unchanged > 0 ? 'still crash-looping' : 'crash-looping';
  parts.push(Number.isNaN(age) ? text(state) : mrkdwn`${state} for ${formatDuration(now.getTime() - age)}`);
  if (d?.restarts !== undefined) parts.push(mrkdwn`${d.restarts} restart${d.restarts === 1 ? '' : 's'}`);
  const last = d?.lastFinishedAt === undefined ? undefined : when(d.lastFinishedAt, now);
  if (last !== undefined) parts.push(mrkdwn`last crash ${last}`);
  return joinMrkdwn(parts, ' · ');
}

function buttons(d: DiagnosisSummary, key: IncidentKey): ButtonElement[] {
  if (d.stateId === undefined) return [];
  const where = { cluster: key.cluster, namespace: key.namespace };
  // The incident's workload is "Kind/name" (a bare pod: "Pod/name").
  const slash = key.workload.indexOf('/');
  const name = slash === -1 ? key.workload : key.workload.slice(slash + 1);
  const kind = slash === -1 ? {} : { kind: key.workload.slice(0, slash) };
  const list = [
    button(ACTION_IDS.previousLogs, d.stateId),
    // The override modifies the workload (the debug copy is the one that leaves it alone): say so.
    button(ACTION_IDS.sleepOverride, d.stateId, {
      confirm: sleepOverrideConfirm({ ...where, ...kind, name, pod: d.pod, container: d.container, command: d.debugCommand ?? DEFAULT_DEBUG_COMMAND }),
    }),
    button(ACTION_IDS.debugCopy, d.stateId),
  ];
  if (d.rollbackRevision !== undefined) {
    const n = d.rollbackRevision;
    const confirm = rollbackConfirm(n, { ...where, ...kind, name, ...(d.currentRevision === undefined ? {} : { fromRevision: d.currentRevision }) });
    list.push(button(ACTION_IDS.rolloutUndo, d.stateId, { label: `Roll back to revision ${n}`, style: 'danger', confirm }));
  }
  return list;
}

/** Acknowledge and Mute (or Unmute): quiet controls that touch no cluster. */
function quietControls(incident: Incident, d: DiagnosisSummary): ButtonElement[] {
  if (d.stateId === undefined) return [];
  const list = [button(ACTION_IDS.acknowledge, d.stateId, { label: incident.acknowledged === undefined ? 'Acknowledge' : 'I am on it too' })];
  if (incident.muted === undefined) list.push(button(ACTION_IDS.muteHour, d.stateId), button(ACTION_IDS.muteResolved, d.stateId));
  else list.push(button(ACTION_IDS.unmute, d.stateId));
  return list;
}

/** Who is on it, who muted it, and the latest action: the people side of the incident, one line each. */
function peopleLines(incident: Incident, now: Date): Mrkdwn[] {
  const lines: Mrkdwn[] = [];
  if (incident.acknowledged !== undefined) {
    const since = when(incident.acknowledged.at, now);
    lines.push(since === undefined ? mrkdwn`:eyes: ${userMention(incident.acknowledged.by)} is on it` : mrkdwn`:eyes: ${userMention(incident.acknowledged.by)} is on it (since ${since})`);
  }
  if (incident.muted !== undefined) {
    const until = incident.muted.until === 'resolved' ? text('until it resolves') : mrkdwn`until ${trusted(slackDate(incident.muted.until))}`;
    lines.push(mrkdwn`:no_bell: muted by ${userMention(incident.muted.by)} ${until}: no new posts for this incident; this message still updates`);
  }
  const a = incident.action;
  if (a !== undefined) lines.push(mrkdwn`:hammer_and_wrench: ${clip(a.what, 200)} by ${userMention(a.by)}${a.after === undefined ? '' : `, ${clip(a.after, 120)}`}`);
  return lines;
}

function firing(incident: Incident, now: Date): RenderedParent {
  const { key } = incident;
  const d = incident.diagnosis;
  const alertname = incident.alertnames[0] ?? 'alert';
  if (d === undefined) {
    const container = incident.containers[0];
    const alertOn = container === undefined ? text('') : mrkdwn` · alert on container ${code(clip(container, 63))}`;
    return {
      text: safeText(`🔥 ${key.namespace}/${key.workload} (${key.cluster}) is crash-looping (${alertname}); diagnosing now.`),
      blocks: [
        section(mrkdwn`:rotating_light: ${where(key)} is crash-looping · ${clip(alertname, 80)}${alertOn}`),
        context(mrkdwn`${statusLine(incident, now)} · :hourglass_flowing_sand: diagnosing; the cause and fix appear here`),
      ],
    };
  }
  const exit = lastExit(d);
  const facts: Mrkdwn[] = [
    mrkdwn`*Cause:* ${code(d.cause)}`,
    d.containerType === undefined ? mrkdwn`*Container:* ${code(d.container)}` : mrkdwn`*Container:* ${code(d.container)} (${d.containerType})`,
    ...(exit === undefined ? [] : [mrkdwn`*Last exit:* ${exit}`]),
    mrkdwn`*Pod:* ${code(d.pod)}`,
  ];
  const blocks: Block[] = [
    section(mrkdwn`:rotating_light: ${where(key)}\n*${clip(d.title, 280)}*`),
    context(statusLine(incident, now), joinMrkdwn(facts, ' · ')),
    section(mrkdwn`*Fix:* ${clip(d.fix, 900)}`),
  ];
  if (incident.note !== undefined) blocks.push(context(text(incident.note.slice(0, 2000))));
  const people = peopleLines(incident, now);
  if (people.length > 0) blocks.push(context(...people));
  const actions = buttons(d, key);
  if (actions.length > 0) blocks.push({ type: 'actions', block_id: 'crashloop_actions', elements: actions });
  const quiet = quietControls(incident, d);
  if (quiet.length > 0) blocks.push({ type: 'actions', block_id: 'crashloop_quiet', elements: quiet });
  if (d.feedbackId !== undefined) blocks.push(feedbackBlock(d.feedbackId));
  const folded = incident.folded > 0 ? ` · ${incident.folded} quieter update${incident.folded === 1 ? '' : 's'} folded into this message` : '';
  blocks.push(context(mrkdwn`Evidence, logs and commands in the thread :thread: · confidence ${Math.round(d.confidence * 100)}%${folded}`));
  return {
    text: safeText(`🔥 ${key.namespace}/${key.workload} (${key.cluster}): ${d.cause} in ${d.container}: ${d.title}`),
    blocks: fitBlocks(blocks),
  };
}

function resolved(incident: Incident, now: Date): RenderedParent {
  const { key } = incident;
  const d = incident.diagnosis;
  const at = incident.resolvedAt ?? '';
  const took = Number.isNaN(Date.parse(at) - Date.parse(incident.openedAt)) ? '' : ` after ${formatDuration(Date.parse(at) - Date.parse(incident.openedAt))}`;
  const cause = d === undefined ? '' : ` Cause was ${d.cause} in ${d.container}.`;
  const stamp = when(at, now);
  const blocks: Block[] = [section(stamp === undefined ? mrkdwn`:white_check_mark: ${where(key)}: resolved${took}` : mrkdwn`:white_check_mark: ${where(key)}: resolved${took}, ${stamp}`)];
  if (d !== undefined) blocks.push(context(mrkdwn`Cause was ${code(d.cause)} in ${code(d.container)}: ${clip(d.title, 200)}`));
  if (incident.note !== undefined) blocks.push(context(text(incident.note.slice(0, 2000))));
  // A resolved incident is no longer muted (a mute until resolved ended with it).
  const { muted: _ended, ...unmuted } = incident;
  const people = peopleLines(unmuted, now);
  if (people.length > 0) blocks.push(context(...people));
  blocks.push(context(mrkdwn`History in the thread :thread:. The buttons are gone: the incident is over.`));
  return { text: safeText(`✅ ${key.namespace}/${key.workload} (${key.cluster}): resolved${took}.${cause}`), blocks };
}

export function renderParent(incident: Incident, now: Date): RenderedParent {
  const rendered = incident.status === 'resolved' ? resolved(incident, now) : firing(incident, now);
  const meta = metadata(incident);
  return meta === undefined ? rendered : { ...rendered, metadata: meta };
}
