// Plain-text incident messages (the diagnosis report itself is rendered by src/slack/).
import type { IncidentKey } from '../queue/types.ts';
import { bandLabel } from './bands.ts';
import type { IncidentChange } from './store.ts';

function where(key: IncidentKey): string {
  return `\`${key.workload}\` in \`${key.namespace}\` (cluster \`${key.cluster}\`)`;
}

export function parentFiringText(key: IncidentKey, alertname: string, container: string | undefined): string {
  const what = container === undefined ? '' : `, container \`${container}\``;
  return `🔥 ${alertname}: ${where(key)}${what}. Diagnosing; the report follows in this thread.`;
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

export function parentResolvedText(key: IncidentKey, openedAt: string, resolvedAt: string): string {
  return `✅ ${where(key)}: resolved after ${formatDuration(Date.parse(resolvedAt) - Date.parse(openedAt))}.`;
}

export function resolvedNoteText(openedAt: string, resolvedAt: string): string {
  return `✅ All alerts resolved at ${resolvedAt} (after ${formatDuration(Date.parse(resolvedAt) - Date.parse(openedAt))}).`;
}

export function changeText(change: IncidentChange): string {
  switch (change.kind) {
    case 'refired':
      return '🔁 Firing again. Diagnosing anew.';
    case 'container':
      return `🆕 Container \`${change.container}\` is alerting too. Diagnosing anew.`;
    case 'restart-band':
      return `📈 Restarts are now in the ${bandLabel(change.band)} band. Diagnosing anew.`;
  }
}
