// The shapes of Slack request bodies this app handles, checked before Bolt sees them: Bolt dereferences
// fields of the parsed body (body.ssl_check, body.user.team_id, body.view.…) without checking, so a
// signed but malformed body used to throw inside its receiver. Only what the app listens to gets through:
// slash commands, block_actions (report buttons), view_submission (the feedback form) and the Events API
// URL check. Unknown fields pass.
import { z } from 'zod';

const text = z.string();

const slashCommand = z.looseObject({
  command: text.min(1),
  text: text.optional(),
  team_id: text,
  user_id: text.min(1),
  channel_id: text.min(1),
  response_url: text.optional(),
});

const idObject = z.looseObject({ id: text });

const blockActions = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({ id: text.min(1), team_id: text.optional() }),
  team: idObject.nullable().optional(),
  enterprise: idObject.nullable().optional(),
  channel: idObject.optional(),
  container: z.looseObject({}).optional(),
  message: z.looseObject({}).optional(),
  actions: z.array(z.looseObject({ action_id: text, type: text })).min(1),
});

// A modal's submission (the "Wrong diagnosis?" form, src/feedback): Bolt reads body.view and body.user.
const viewSubmission = z.looseObject({
  type: z.literal('view_submission'),
  user: z.looseObject({ id: text.min(1), team_id: text.optional() }),
  team: idObject.nullable().optional(),
  enterprise: idObject.nullable().optional(),
  view: z.looseObject({ id: text, callback_id: text, private_metadata: text.optional(), state: z.looseObject({ values: z.record(text, z.record(text, z.looseObject({}))) }) }),
});

const urlVerification = z.looseObject({ type: z.literal('url_verification'), challenge: text });

export type SlackBodyVerdict = { ok: true } | { ok: false; reason: string };

/** Form fields of a request without `payload`: a slash command, every field a single string. */
export function checkSlashCommand(fields: Record<string, unknown>, commands?: readonly string[]): SlackBodyVerdict {
  if (!slashCommand.safeParse(fields).success) return { ok: false, reason: 'a form body without payload must be a slash command' };
  // A command nobody listens to would sit 3 s in Bolt before its 404: refused at once instead.
  if (commands !== undefined && !commands.includes(String(fields.command))) return { ok: false, reason: 'a slash command this app does not handle' };
  return { ok: true };
}

/** A JSON body or `payload` field: a block_actions payload or the URL verification. */
export function checkSlackJson(raw: string): SlackBodyVerdict {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'the body is not JSON' };
  }
  if (blockActions.safeParse(value).success || viewSubmission.safeParse(value).success || urlVerification.safeParse(value).success) return { ok: true };
  return { ok: false, reason: 'not a request this app handles (slash command, block_actions, view_submission, url_verification)' };
}
