// The two Slack payloads of the feedback loop, checked with zod (Bolt types them but does not check
// them): the button click that opens the modal, and the modal's submission. Pure.
import { z } from 'zod';
import { MAX_NOTE_CHARS } from './types.ts';
import { INPUTS } from './render.ts';

const slackId = z.string().regex(/^[A-Z0-9]{2,}$/);
const ts = z.string().regex(/^\d{1,12}\.\d{1,8}$/);
const stateId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'the button carries no valid report id');

export interface FeedbackClick {
  stateId: string;
  userId: string;
  teamId?: string;
  channel: string;
  messageTs: string;
  threadTs: string;
  triggerId: string;
}

const clickSchema = z.object({
  stateId,
  userId: slackId,
  teamId: slackId.optional(),
  channel: slackId,
  messageTs: ts,
  threadTs: ts.optional(),
  triggerId: z.string().min(1).max(200),
});

interface ClickBody {
  user?: { id?: string; team_id?: string };
  channel?: { id?: string };
  container?: { channel_id?: string; message_ts?: string };
  message?: { ts?: string; thread_ts?: string };
  trigger_id?: string;
}

function problems(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
}

export function parseFeedbackClick(body: ClickBody, value: string | undefined): { ok: true; click: FeedbackClick } | { ok: false; error: string } {
  const parsed = clickSchema.safeParse({
    stateId: value ?? '',
    userId: body.user?.id,
    teamId: body.user?.team_id,
    channel: body.channel?.id ?? body.container?.channel_id,
    messageTs: body.message?.ts ?? body.container?.message_ts,
    threadTs: body.message?.thread_ts === '' ? undefined : body.message?.thread_ts,
    triggerId: body.trigger_id,
  });
  if (!parsed.success) return { ok: false, error: problems(parsed.error) };
  const d = parsed.data;
  const click: FeedbackClick = { stateId: d.stateId, userId: d.userId, channel: d.channel, messageTs: d.messageTs, threadTs: d.threadTs ?? d.messageTs, triggerId: d.triggerId };
  if (d.teamId !== undefined) click.teamId = d.teamId;
  return { ok: true, click };
}

/** What the modal carries back: where the click came from (Slack keeps it; the user never edits it). */
export interface ModalMetadata {
  stateId: string;
  channel: string;
  messageTs: string;
  threadTs: string;
}

const metadataSchema = z.object({ s: stateId, c: slackId, m: ts, t: ts }).strict();

export function encodeMetadata(m: ModalMetadata): string {
  return JSON.stringify({ s: m.stateId, c: m.channel, m: m.messageTs, t: m.threadTs });
}

export function decodeMetadata(raw: string | undefined): ModalMetadata | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw ?? '');
  } catch {
    return undefined;
  }
  const parsed = metadataSchema.safeParse(value);
  return parsed.success ? { stateId: parsed.data.s, channel: parsed.data.c, messageTs: parsed.data.m, threadTs: parsed.data.t } : undefined;
}

export interface FeedbackSubmission {
  userId: string;
  teamId?: string;
  metadata: ModalMetadata;
  /** As typed; checked against the taxonomy and the pod's containers by the service. */
  cause: string | undefined;
  container: string | undefined;
  note: string;
}

interface InputValue {
  selected_option?: { value?: string } | null;
  value?: string | null;
}

interface ViewBody {
  user?: { id?: string; team_id?: string };
  view?: { private_metadata?: string; state?: { values?: Record<string, Record<string, InputValue>> } };
}

/** Control characters other than newline and tab go; the note is trimmed and cut to MAX_NOTE_CHARS. */
export function cleanNote(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const text = raw.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/g, '').trim();
  return text.length <= MAX_NOTE_CHARS ? text : text.slice(0, MAX_NOTE_CHARS).trimEnd();
}

export function parseFeedbackSubmission(body: ViewBody): { ok: true; submission: FeedbackSubmission } | { ok: false; error: string } {
  const userId = slackId.safeParse(body.user?.id);
  if (!userId.success) return { ok: false, error: 'the submission names no user' };
  const metadata = decodeMetadata(body.view?.private_metadata);
  if (metadata === undefined) return { ok: false, error: 'the form does not say which report it is about' };
  const values = body.view?.state?.values ?? {};
  const input = (block: string): InputValue | undefined => values[block]?.[block];
  const pick = (block: string): string | undefined => {
    const v = input(block)?.selected_option?.value;
    return typeof v === 'string' && v.length <= 253 ? v : undefined;
  };
  const note = input(INPUTS.note)?.value;
  const submission: FeedbackSubmission = { userId: userId.data, metadata, cause: pick(INPUTS.cause), container: pick(INPUTS.container), note: typeof note === 'string' ? cleanNote(note.slice(0, MAX_NOTE_CHARS * 4)) : '' };
  const team = slackId.safeParse(body.user?.team_id);
  if (team.success) submission.teamId = team.data;
  return { ok: true, submission };
}
