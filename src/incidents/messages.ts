// Thread notes of an incident: only what is new (a container joins, it fires again, it resolves).
// Restart-band moves only refresh the parent's status line. Names are escaped here, once.
import { code, mrkdwn, trusted, type Mrkdwn } from '../slack/mrkdwn.ts';
import { section } from '../slack/render/limits.ts';
import { clip, formatDuration, plainTime, slackDate } from '../slack/render/time.ts';
import { safeText, type RenderedParent } from './parent-message.ts';
import type { IncidentChange } from './store.ts';

export { formatDuration };

function note(raw: string, body: Mrkdwn): RenderedParent {
  return { text: safeText(raw), blocks: [section(body)] };
}

/** The thread note for a change, or undefined when the change is not news for the thread. */
export function changeNote(change: IncidentChange, at: Date): RenderedParent | undefined {
  // A date token built from a Date: the bot's own markup.
  const when = trusted(slackDate(at.toISOString()));
  switch (change.kind) {
    case 'refired':
      return note(`🔁 Firing again at ${plainTime(at)}. Diagnosing anew.`, mrkdwn`:repeat: Firing again ${when}. Diagnosing anew; the message above updates.`);
    case 'container':
      return note(`🆕 Container ${change.container} is alerting too. Diagnosing anew.`, mrkdwn`:new: Container ${code(clip(change.container, 63))} is alerting too. Diagnosing anew; the message above updates.`);
    case 'restart-band':
      return undefined;
  }
}

export function resolvedNote(openedAt: string, resolvedAt: string): RenderedParent {
  const took = formatDuration(Date.parse(resolvedAt) - Date.parse(openedAt));
  const at = new Date(resolvedAt);
  const plain = Number.isNaN(at.getTime()) ? '' : ` at ${plainTime(at)}`;
  return note(`✅ All alerts resolved${plain} (after ${took}).`, mrkdwn`:white_check_mark: All alerts resolved ${trusted(slackDate(resolvedAt))} (after ${took}).`);
}
