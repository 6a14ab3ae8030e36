// Slack side of the "Wrong diagnosis?" control: the button under the report, the modal it opens, and
// the thread line that says who marked what. Every text goes through src/slack/mrkdwn.ts: the note is
// the clicker's words (hostile), the cause and container come from validated ids but are escaped too.
import { CAUSE_IDS } from '../../diagnostics/types.ts';
import { LIMITS, context, section, truncate, type Block, type ButtonElement } from '../slack/render/limits.ts';
import { code, fallbackText, mrkdwn, plainText, trusted, userMention, type Mrkdwn, type SlackText } from '../slack/mrkdwn.ts';
import type { RenderedMessage } from '../slack/render/report.ts';
import { FEEDBACK_ACTION_ID, FEEDBACK_VIEW_ID, MAX_NOTE_CHARS, type EngineAnswer } from './types.ts';

export const FEEDBACK_BLOCK_ID = 'crashloop_feedback';
export const BUTTON_LABEL = 'Wrong diagnosis?';
/** block_id / action_id of the modal's inputs. */
export const INPUTS = { cause: 'cause', container: 'container', note: 'note' } as const;

/** The button; its value is the report's opaque id (the button state id), nothing else. */
export function feedbackButton(reportId: string): ButtonElement {
  return { type: 'button', action_id: FEEDBACK_ACTION_ID, text: { type: 'plain_text', text: plainText(BUTTON_LABEL), emoji: true }, value: truncate(reportId, LIMITS.buttonValue, '') };
}

/** Its own actions block, so it sits under the report whatever other buttons it has. */
export function feedbackBlock(reportId: string): Block {
  return { type: 'actions', block_id: FEEDBACK_BLOCK_ID, elements: [feedbackButton(reportId)] };
}

interface PlainText {
  type: 'plain_text';
  text: SlackText;
  emoji?: boolean;
}
interface Option {
  text: PlainText;
  value: string;
}
type ViewBlock =
  | Block
  | {
      type: 'input';
      block_id: string;
      optional?: boolean;
      label: PlainText;
      hint?: PlainText;
      element:
        | { type: 'static_select'; action_id: string; placeholder: PlainText; options: Option[]; initial_option?: Option }
        | { type: 'plain_text_input'; action_id: string; multiline: boolean; max_length: number; placeholder: PlainText };
    };

export interface ModalView {
  type: 'modal';
  callback_id: string;
  private_metadata: string;
  title: PlainText;
  submit?: PlainText;
  close: PlainText;
  blocks: ViewBlock[];
}

const plain = (text: string, max = 75): PlainText => ({ type: 'plain_text', text: plainText(truncate(text, max)), emoji: true });
const option = (value: string): Option => ({ text: plain(value), value: truncate(value, 150, '') });

export interface ModalInput {
  /** Opaque, carried back by Slack in the view_submission (see handlers/feedback-submit.ts). */
  privateMetadata: string;
  target: string;
  engine: EngineAnswer;
  containers: string[];
}

/** The modal: pick the right cause (the taxonomy's ids), the failing container, an optional note. */
export function feedbackModal(input: ModalInput): ModalView {
  const said = input.engine.cause === 'none' ? mrkdwn`found no crash` : mrkdwn`said ${code(input.engine.cause)}${input.engine.container === '' ? '' : mrkdwn` in ${code(input.engine.container)}`}`;
  const containers = input.containers.slice(0, 100);
  const initial = containers.includes(input.engine.container) ? input.engine.container : containers[0];
  const blocks: ViewBlock[] = [
    section(mrkdwn`The report on *${input.target}* ${said}. Pick what it should have said.`),
    {
      type: 'input',
      block_id: INPUTS.cause,
      label: plain('Right cause'),
      element: { type: 'static_select', action_id: INPUTS.cause, placeholder: plain('Cause id'), options: CAUSE_IDS.filter((c) => c !== input.engine.cause).map(option) },
    },
  ];
  if (containers.length > 0) {
    const element: Extract<ViewBlock, { type: 'input' }>['element'] = { type: 'static_select', action_id: INPUTS.container, placeholder: plain('Container'), options: containers.map(option) };
    if (initial !== undefined) element.initial_option = option(initial);
    blocks.push({ type: 'input', block_id: INPUTS.container, label: plain('Failing container'), element });
  }
  blocks.push(
    {
      type: 'input',
      block_id: INPUTS.note,
      optional: true,
      label: plain('Note (optional)'),
      hint: plain('What showed the real cause. Kept with the case; no secrets please.', 150),
      element: { type: 'plain_text_input', action_id: INPUTS.note, multiline: true, max_length: MAX_NOTE_CHARS, placeholder: plain('e.g. dmesg on the node showed the OOM kill') },
    },
    context(mrkdwn`The report's redacted snapshot and your label are kept (30 days at most) and exported as a test case with \`crashloop feedback export\`.`),
  );
  return { type: 'modal', callback_id: FEEDBACK_VIEW_ID, private_metadata: input.privateMetadata, title: plain('Wrong diagnosis?', 24), submit: plain('Save'), close: plain('Cancel'), blocks };
}

/** A modal that only says something (after a submission that stored nothing). */
export function noticeModal(message: Mrkdwn): ModalView {
  return { type: 'modal', callback_id: `${FEEDBACK_VIEW_ID}_notice`, private_metadata: '', title: plain('Wrong diagnosis?', 24), close: plain('Close'), blocks: [section(message)] };
}

/** The thread line: ":memo: @alice marked this diagnosis wrong: expected `oom-killed` (the report said `app-error`)". */
export function feedbackAuditMessage(userId: string, expected: { cause: string; container: string; note: string }, engine: EngineAnswer): RenderedMessage {
  const containerPart = expected.container !== '' && expected.container !== engine.container ? mrkdwn` in ${code(expected.container)}` : mrkdwn``;
  const said = engine.cause === 'none' ? mrkdwn`found no crash` : mrkdwn`said ${code(engine.cause)}`;
  const line = mrkdwn`${trusted(':memo:')} ${userMention(userId)} marked this diagnosis wrong: expected ${code(expected.cause)}${containerPart} (the report ${said}).`;
  const blocks: Block[] = [section(line)];
  if (expected.note !== '') blocks.push(context(mrkdwn`Note: ${truncate(expected.note.replace(/\s+/g, ' '), MAX_NOTE_CHARS)}`));
  return { text: fallbackText(line, 300), blocks };
}
