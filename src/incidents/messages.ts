// Incident messages (the diagnosis report itself is rendered by src/slack/). Alert names, workloads and
// containers come from Alertmanager labels: every one goes through the mrkdwn tag (escaped).
import type { IncidentKey } from '../queue/types.ts';
import { code, mrkdwn, type Mrkdwn, type SlackText } from '../slack/mrkdwn.ts';
import { bandLabel } from './bands.ts';
import type { IncidentChange } from './store.ts';

function where(key: IncidentKey): Mrkdwn {
  return mrkdwn`${code(key.workload)} in ${code(key.namespace)} (cluster ${code(key.cluster)})`;
}

export function parentFiringText(key: IncidentKey, alertname: string, container: string | undefined): SlackText {
  const what = container === undefined ? mrkdwn`` : mrkdwn`, container ${code(container)}`;
  return mrkdwn`🔥 ${alertname}: ${where(key)}${what}. Diagnosing; the report follows in this thread.`.text;
}

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

export function parentResolvedText(key: IncidentKey, openedAt: string, resolvedAt: string): SlackText {
  return mrkdwn`✅ ${where(key)}: resolved after ${formatDuration(Date.parse(resolvedAt) - Date.parse(openedAt))}.`.text;
}

export function resolvedNoteText(openedAt: string, resolvedAt: string): SlackText {
  return mrkdwn`✅ All alerts resolved at ${resolvedAt} (after ${formatDuration(Date.parse(resolvedAt) - Date.parse(openedAt))}).`.text;
}

export function changeText(change: IncidentChange): SlackText {
  switch (change.kind) {
    case 'refired':
      return mrkdwn`🔁 Firing again. Diagnosing anew.`.text;
    case 'container':
      return mrkdwn`🆕 Container ${code(change.container)} is alerting too. Diagnosing anew.`.text;
    case 'restart-band':
      return mrkdwn`📈 Restarts are now in the ${bandLabel(change.band)} band. Diagnosing anew.`.text;
  }
}
