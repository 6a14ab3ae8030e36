// Short messages in plain words: help, acknowledgements, errors and the list of crashing pods.
import { ACTION_IDS, type ActionOutcome } from '../../actions/types.ts';
import { button } from './buttons.ts';
import { context, fitBlocks, section, truncate, type Block } from './limits.ts';
import { code, fallbackText, joinMrkdwn, mrkdwn, text as plain, trusted, userMention, type Mrkdwn } from '../mrkdwn.ts';
import type { RenderedMessage } from './report.ts';

// The bot's own fixed wording (no input in it): trusted as written.
export const HELP_TEXT = [
  '*/crashloop* diagnoses pods stuck in CrashLoopBackOff.',
  '• `/crashloop namespace/pod`: diagnose one pod',
  '• `/crashloop pod -n namespace`: the same, namespace as a flag',
  '• `/crashloop deployment-name`: diagnose a crashing pod of that workload',
  '• `/crashloop cluster/namespace/pod` or `… --cluster name`: pick the cluster',
  '• `/crashloop`: list the crashing pods you may look at, each with a Diagnose button',
  '• `/crashloop help`: this text',
  'The report goes to this channel with the details in its thread.',
].join('\n');

export function helpMessage(): RenderedMessage {
  return { text: trusted(HELP_TEXT).text, blocks: [section(trusted(HELP_TEXT))] };
}

/** Where a report will appear when its workload has an open incident: that incident's message. */
export interface IncidentLocation {
  /** "Deployment/checkout". */
  workload: string;
  namespace: string;
  /** The alert channel holding the incident's message. */
  channel: string;
  /** chat.getPermalink of the incident's message, when Slack gave one (https, checked). */
  permalink?: string;
}

/** What the ack knows besides the target: the cluster's worker presence and where the report will go. */
export interface AckContext {
  /** 'none': the cluster's queue has no live worker right now (src/queue/worker-presence.ts). */
  presence?: 'live' | 'none' | 'unknown';
  incident?: IncidentLocation;
}

const CHANNEL_ID = /^[CGD][A-Z0-9]{2,20}$/;
const PERMALINK = /^https:\/\/[^\s<>|]+$/;

/** `<#C…>` for a Slack channel id, or words. */
function channelRef(channel: string): Mrkdwn {
  return CHANNEL_ID.test(channel) ? trusted(`<#${channel}>`) : plain('the alert channel');
}

/** The ack of a diagnosis or listing: what runs where, where the report will appear, and whether a worker is there to run it. */
export function diagnosingMessage(target: string, cluster: string, ack: AckContext = {}): RenderedMessage {
  const blocks: Block[] = [];
  const raw: string[] = [];
  if (ack.presence === 'none') {
    const warning = `${cluster} has no worker right now; your ${target === '' ? 'listing' : 'diagnosis'} is queued and runs when it returns.`;
    // The notification fallback is short (≤ 200 characters with the rest); the block says it in full.
    raw.push(`${cluster} has no worker right now; queued until one returns.`);
    blocks.push(section(mrkdwn`:warning: ${warning}`));
  }
  if (target === '') {
    const text = `Looking for crashing pods in ${cluster}…`;
    raw.push(text);
    blocks.push(section(mrkdwn`:hourglass_flowing_sand: ${text}`));
  } else if (ack.incident !== undefined) {
    const i = ack.incident;
    const message = i.permalink !== undefined && PERMALINK.test(i.permalink) ? trusted(`<${i.permalink}|its incident message>`) : plain('its incident message');
    raw.push(`Diagnosing ${target} in ${cluster}: ${i.workload} has an open incident; the report updates its message.`);
    blocks.push(section(mrkdwn`:hourglass_flowing_sand: Diagnosing ${target} in ${cluster}… ${code(i.workload)} in ${code(i.namespace)} has an open incident: the report updates ${message} in ${channelRef(i.channel)}, with the detail in its thread.`));
  } else {
    const text = `Diagnosing ${target} in ${cluster}… the report will appear in this channel.`;
    raw.push(text);
    blocks.push(section(mrkdwn`:hourglass_flowing_sand: ${text}`));
  }
  return { text: fallbackText(raw.join(' '), 200), blocks };
}

export function notFoundMessage(target: string, message: string, suggestions: string[], cluster?: string): RenderedMessage {
  const tips = suggestions.slice(0, 10).map((s) => mrkdwn`• ${code(s)}`);
  const inCluster = cluster === undefined ? '' : ` in cluster ${cluster}`;
  const text = `I could not find ${target}${inCluster}: ${message}.${suggestions.length > 0 ? ` Did you mean: ${suggestions.slice(0, 5).join(', ')}?` : ''}`;
  const blocks: Block[] = [section(cluster === undefined ? mrkdwn`:mag: I could not find ${code(target)}: ${truncate(message, 500)}` : mrkdwn`:mag: I could not find ${code(target)} in cluster ${code(cluster)}: ${truncate(message, 500)}`)];
  if (tips.length > 0) blocks.push(section(mrkdwn`Did you mean:\n${joinMrkdwn(tips, mrkdwn`\n`)}`));
  blocks.push(context(mrkdwn`Try \`/crashloop\` alone to list the crashing pods, or \`/crashloop help\`.`));
  return { text: fallbackText(text), blocks };
}

export function ambiguousMessage(target: string, candidates: { namespace: string; name: string; reason: string }[], stateIds: string[]): RenderedMessage {
  const text = `${target} matches ${candidates.length} pods; pick one.`;
  return podListMessage(text, candidates, stateIds);
}

/** A list of pods, each with a Diagnose button; `stateIds[i]` points at candidate i. */
export function podListMessage(intro: string, pods: { namespace: string; name: string; reason: string }[], stateIds: string[]): RenderedMessage {
  const blocks: Block[] = [section(plain(intro))];
  pods.slice(0, 20).forEach((pod, i) => {
    const stateId = stateIds[i];
    const line = mrkdwn`*${pod.namespace}/${pod.name}*  ${truncate(pod.reason, 200)}`;
    if (stateId === undefined) {
      blocks.push(section(line));
    } else {
      blocks.push(section(line), { type: 'actions', elements: [button(ACTION_IDS.diagnose, stateId)] });
    }
  });
  if (pods.length > 20) blocks.push(context(mrkdwn`…and ${pods.length - 20} more. Narrow it down with \`/crashloop namespace/pod\`.`));
  return { text: fallbackText(intro), blocks: fitBlocks(blocks) };
}

export function noCrashingPodsMessage(cluster: string, namespaces: string[] | undefined): RenderedMessage {
  const where = namespaces === undefined ? plain('any namespace') : joinMrkdwn(namespaces.map((n) => code(n)), ', ');
  const text = `No pod is crash-looping in ${cluster} (${namespaces === undefined ? 'any namespace' : namespaces.join(', ')}).`;
  return { text: fallbackText(text), blocks: [section(mrkdwn`:white_check_mark: No pod is crash-looping in ${cluster} (${where}).`)] };
}

export function unreachableMessage(cluster: string, detail: string, willRetry: boolean): RenderedMessage {
  const text = willRetry
    ? `The cluster ${cluster} is not reachable right now (${detail}). I will keep trying with back-off and post the report when it answers.`
    : `The cluster ${cluster} is still not reachable (${detail}); I gave up. Check the cluster and the bot's credentials, then try again.`;
  return { text: fallbackText(text), blocks: [section(mrkdwn`:warning: ${text}`)] };
}

export function forbiddenMessage(target: string, detail: string): RenderedMessage {
  const text = `I am not allowed to read ${target} (${detail}). Ask an admin to grant the bot's service account read access to pods, events and logs in that namespace.`;
  return { text: fallbackText(text), blocks: [section(mrkdwn`:no_entry: ${text}`)] };
}

export function failedMessage(target: string, detail: string): RenderedMessage {
  const text = `The diagnosis of ${target} failed: ${detail}. Try again, or run \`crashloop diagnose ${target}\` from a terminal.`;
  return { text: fallbackText(text), blocks: [section(mrkdwn`:x: ${text}`)] };
}

export function unknownClusterMessage(cluster: string, known: string[]): RenderedMessage {
  const text = `I do not know a cluster called "${cluster}". Known clusters: ${known.length === 0 ? '(none configured)' : known.join(', ')}.`;
  return { text: fallbackText(text), blocks: [section(plain(text))] };
}

export function notAvailableMessage(action: string): RenderedMessage {
  const text = `"${action}" is not available yet in this version of crashloop-bot: nothing was done. The kubectl commands in the thread do the same by hand.`;
  return { text: fallbackText(text), blocks: [section(mrkdwn`:construction: ${text}`)] };
}

export function expiredMessage(): RenderedMessage {
  const text = mrkdwn`This button has expired (buttons work for 24 hours). Run \`/crashloop\` again for a fresh report.`;
  return { text: text.text, blocks: [section(text)] };
}

const OUTCOME_ICONS: Record<ActionOutcome['status'], string> = { done: ':white_check_mark:', denied: ':no_entry:', duplicate: ':repeat:', expired: ':hourglass:', stale: ':hourglass:', failed: ':x:' };

/** The thread line saying what a button click did, e.g. ":white_check_mark: <@U1>: rolled back api to revision 6". */
export function actionOutcomeMessage(userId: string, outcome: Pick<ActionOutcome, 'status' | 'message'>): RenderedMessage {
  // The mention is the clicking user's id from the signed payload; the outcome may quote cluster text: escaped.
  const text = mrkdwn`${trusted(OUTCOME_ICONS[outcome.status])} ${userMention(userId)}: ${outcome.message}`;
  return { text: text.text, blocks: [section(text)] };
}

/** A click whose payload is not what the button sends (tampered, or from another app version). */
export function badClickMessage(detail: string): RenderedMessage {
  const text = `I could not read this button click (${detail}); nothing was done. Run \`/crashloop\` again for a fresh report.`;
  return { text: fallbackText(text), blocks: [section(plain(text))] };
}

/** The job queue (Redis) did not take the diagnosis in time. */
export function queueUnavailableMessage(): RenderedMessage {
  const text = plain('Sorry, I could not queue the diagnosis: the job queue (Redis) is not reachable. Nothing was queued, so nothing will run: try again in a minute; if it persists, tell whoever runs the bot.');
  return { text: text.text, blocks: [section(text)] };
}
