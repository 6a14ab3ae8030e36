// Times people can read at 3 a.m.: Slack date tokens (each reader sees their own time zone) with a
// plain fallback, and ages computed from an injected clock, never read ad hoc.

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

/** "2026-11-21 22:08 UTC": the fallback where date tokens do not render (notifications, old clients). */
export function plainTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `<!date^…^{date_short_pretty} {time}|…>`; an unparsable time gives '' (never raw input into mrkdwn). */
export function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${plainTime(new Date(ms))}>`;
}

/** "14 min ago"; '' when the time is unknown. */
export function ago(iso: string, now: Date): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '' : `${formatDuration(now.getTime() - ms)} ago`;
}

/** Cuts to `max` characters, word-safe where it can be, marking the cut. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

/** Slack's `text` fallback (push notifications, screen readers): one line, at most 200 characters. */
export const FALLBACK_MAX = 200;
export function fallback(text: string): string {
  return clip(text, FALLBACK_MAX);
}
