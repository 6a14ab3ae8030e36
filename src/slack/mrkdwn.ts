// The one place that makes text safe for Slack. Slack parses `&`, `<` and `>` in every text field
// (mrkdwn, the top-level `text` fallback, plain_text, confirm dialogs): `<!channel>`, `<@U…>`,
// `<#C…>`, `<!subteam^…>` and `<https://x|label>` become live mentions and links. Escaping the three
// characters neutralises all of them, so every string that reaches Slack is built here:
//   mrkdwn`*Fix:* ${summary}` escapes every interpolation (strings, numbers), keeps the literal parts
//   (the bot's own formatting) and nests other Mrkdwn values as they are;
//   trusted() is the explicit, greppable escape hatch for the bot's own markup built from validated parts;
//   the result's `.text` is a SlackText, the only type the Block Kit builders and ports accept.

declare const SLACK_TEXT: unique symbol;
/** A string that went through this module: escaped or built from trusted parts. */
export type SlackText = string & { readonly [SLACK_TEXT]: true };

/** Escapes the three characters Slack treats as control characters. Linear, total. */
export function escapeSlack(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** Marks an already-final string (the module's own output). */
function final(text: string): SlackText {
  return text as SlackText;
}

/** mrkdwn text that is safe to post: built by the `mrkdwn` tag, `text()`, `code()` or `trusted()`. */
export class Mrkdwn {
  readonly text: SlackText;
  private constructor(text: string) {
    this.text = final(text);
  }
  /** Internal factory; use the functions below. */
  static of(text: string): Mrkdwn {
    return new Mrkdwn(text);
  }
  toString(): string {
    return this.text;
  }
  get length(): number {
    return this.text.length;
  }
}

/** Anything that may be interpolated: Mrkdwn is kept, everything else is escaped. */
export type MrkdwnValue = Mrkdwn | string | number | bigint | boolean;

function piece(value: MrkdwnValue): string {
  return value instanceof Mrkdwn ? value.text : escapeSlack(String(value));
}

/** Tagged template: literal parts are the bot's markup, every `${value}` is escaped (unless Mrkdwn). */
export function mrkdwn(strings: TemplateStringsArray, ...values: MrkdwnValue[]): Mrkdwn {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += piece(values[i] as MrkdwnValue) + (strings[i + 1] ?? '');
  return Mrkdwn.of(out);
}

/** Untrusted text as mrkdwn: escaped. */
export function text(value: MrkdwnValue): Mrkdwn {
  return value instanceof Mrkdwn ? value : Mrkdwn.of(escapeSlack(String(value)));
}

/**
 * The bot's own markup (`<@U123>` of the clicking user, `<!date^…>`, a link to a known URL). Never pass
 * text that came from a pod, a log, an annotation or a user: use mrkdwn`` or text() for that.
 */
export function trusted(markup: string): Mrkdwn {
  return Mrkdwn.of(markup);
}

/** Joins values with a separator; values are escaped unless Mrkdwn. */
export function joinMrkdwn(values: readonly MrkdwnValue[], separator: MrkdwnValue = ''): Mrkdwn {
  const sep = piece(separator);
  return Mrkdwn.of(values.map(piece).join(sep));
}

/** Inline code: escaped, with backticks replaced so the span cannot be closed early. */
export function code(value: string): Mrkdwn {
  const body = value.replace(/`/g, "'").replace(/\n/g, ' ');
  return Mrkdwn.of('`' + escapeSlack(body === '' ? ' ' : body) + '`');
}

/** How many characters of `raw` fit in `room` once escaped (linear scan). */
function fitsEscaped(raw: string, room: number): number {
  let used = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    const width = c === '&' ? 5 : c === '<' || c === '>' ? 4 : 1;
    if (used + width > room) return i;
    used += width;
  }
  return raw.length;
}

/** A fenced code block of at most `max` characters whatever the content (cut before escaping). */
export function codeBlock(value: string, max = 3000): Mrkdwn {
  const body = value.replace(/```/g, "'''");
  const room = Math.max(0, max - 6);
  const marker = '\n…';
  if (fitsEscaped(body, room) === body.length) return Mrkdwn.of('```' + escapeSlack(body) + '```');
  const keep = fitsEscaped(body, Math.max(0, room - marker.length));
  return Mrkdwn.of('```' + escapeSlack(body.slice(0, keep)) + marker + '```');
}

/** Cuts mrkdwn to `max` characters without splitting an entity (&amp;) or the bot's own <…> markup. */
export function truncateMrkdwn(value: Mrkdwn, max: number, marker = '…'): Mrkdwn {
  const s = value.text;
  if (s.length <= max) return value;
  let end = Math.max(0, max - marker.length);
  const amp = end > 0 ? s.lastIndexOf('&', end - 1) : -1;
  if (amp !== -1 && amp >= end - 4) {
    const semi = s.indexOf(';', amp);
    if (semi === -1 || semi >= end) end = amp;
  }
  const open = end > 0 ? s.lastIndexOf('<', end - 1) : -1;
  if (open !== -1 && s.lastIndexOf('>', end - 1) < open) end = open;
  const head = s.slice(0, end);
  // An unclosed code fence would swallow the rest of the message; close it.
  const fences = head.split('```').length - 1;
  return Mrkdwn.of(head + (fences % 2 === 1 ? '```' : '') + escapeSlack(marker));
}

/**
 * Plain text for a plain_text field Slack caps at `max` characters (dialog titles 100, their buttons 30):
 * cut before escaping so the escaped text stays within `max`, marking the cut.
 */
export function plainTextWithin(value: string, max: number, marker = '…'): SlackText {
  const flat = value.replace(/\s+/g, ' ').trim();
  if (fitsEscaped(flat, max) === flat.length) return final(escapeSlack(flat));
  return final(escapeSlack(flat.slice(0, fitsEscaped(flat, Math.max(0, max - marker.length)))) + marker);
}

/** Plain text for plain_text objects (headers, button labels, dialog titles): escaped. */
export function plainText(value: string): SlackText {
  return final(escapeSlack(value));
}

/** `<@U123>`: a mention of a Slack user id taken from a signed Slack payload; anything else is escaped. */
export function userMention(userId: string): Mrkdwn {
  return /^[UW][A-Z0-9]{2,20}$/.test(userId) ? Mrkdwn.of(`<@${userId}>`) : text(userId);
}

/** Text for a `text`/fallback field from plain words or built mrkdwn: escaped, at most `max` characters. */
export function fallbackText(value: MrkdwnValue, max = 3000): SlackText {
  return truncateMrkdwn(text(value), max).text;
}
