// The report's action buttons. Values carry only an opaque state id; the state lives in Redis.
import { ACTION_IDS, type ActionId } from '../../actions/types.ts';
import { LIMITS, truncate, type ButtonElement } from './limits.ts';
import { plainTextWithin, truncateMrkdwn, type Mrkdwn } from '../mrkdwn.ts';

export const BUTTON_LABELS: Record<ActionId, string> = {
  [ACTION_IDS.previousLogs]: 'Previous logs',
  [ACTION_IDS.debugCopy]: 'Debug copy',
  [ACTION_IDS.sleepOverride]: 'Sleep-override debug',
  [ACTION_IDS.sleepRevert]: 'Revert sleep override',
  [ACTION_IDS.debugDelete]: 'Delete debug copy',
  [ACTION_IDS.rolloutUndo]: 'Roll back',
  [ACTION_IDS.debugEphemeral]: 'Ephemeral debug container',
  [ACTION_IDS.diagnose]: 'Diagnose',
  [ACTION_IDS.acknowledge]: 'Acknowledge',
  [ACTION_IDS.muteHour]: 'Mute 1 h',
  [ACTION_IDS.muteResolved]: 'Mute until resolved',
  [ACTION_IDS.unmute]: 'Unmute',
};

/**
 * A confirm dialog that says exactly what will happen: a title naming the change ("Roll back checkout to
 * revision 1?", never "Are you sure?"), a text naming the object, namespace and cluster, and a confirm
 * button in words ("Roll back"). Built in src/actions/confirm-text.ts.
 */
export interface ConfirmDialog {
  /** Plain words, at most 100 characters once escaped (cut here). */
  title: string;
  /** Built mrkdwn, at most 300 characters (cut here). */
  text: Mrkdwn;
  /** The confirm button's words, at most 30 characters. */
  confirm: string;
  /** Default "Cancel". */
  deny?: string;
}

/** Slack's caps on a confirmation dialog object. */
export const CONFIRM_LIMITS = { title: 100, text: 300, button: 30 } as const;

/** A button; the label is plain words (escaped here), the confirm dialog is built by confirm-text.ts. */
export function button(actionId: ActionId, stateId: string, options: { label?: string; style?: 'primary' | 'danger'; confirm?: ConfirmDialog } = {}): ButtonElement {
  const element: ButtonElement = {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: plainTextWithin(options.label ?? BUTTON_LABELS[actionId], LIMITS.buttonText), emoji: true },
    value: truncate(stateId, LIMITS.buttonValue, ''),
  };
  if (options.style !== undefined) element.style = options.style;
  if (options.confirm !== undefined) {
    element.confirm = {
      title: { type: 'plain_text', text: plainTextWithin(options.confirm.title, CONFIRM_LIMITS.title) },
      text: { type: 'mrkdwn', text: truncateMrkdwn(options.confirm.text, CONFIRM_LIMITS.text).text },
      confirm: { type: 'plain_text', text: plainTextWithin(options.confirm.confirm, CONFIRM_LIMITS.button) },
      deny: { type: 'plain_text', text: plainTextWithin(options.confirm.deny ?? 'Cancel', CONFIRM_LIMITS.button) },
    };
  }
  return element;
}
