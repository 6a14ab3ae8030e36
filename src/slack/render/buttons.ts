// The report's action buttons. Values carry only an opaque state id; the state lives in Redis.
import { ACTION_IDS, type ActionId } from '../../actions/types.ts';
import { LIMITS, truncate, type ButtonElement } from './limits.ts';
import { plainText, truncateMrkdwn, type Mrkdwn } from '../mrkdwn.ts';

export const BUTTON_LABELS: Record<ActionId, string> = {
  [ACTION_IDS.previousLogs]: 'Previous logs',
  [ACTION_IDS.debugCopy]: 'Debug copy',
  [ACTION_IDS.sleepOverride]: 'Sleep-override debug',
  [ACTION_IDS.sleepRevert]: 'Revert sleep override',
  [ACTION_IDS.debugDelete]: 'Delete debug copy',
  [ACTION_IDS.rolloutUndo]: 'Roll back',
  [ACTION_IDS.debugEphemeral]: 'Ephemeral debug container',
  [ACTION_IDS.diagnose]: 'Diagnose',
};

/** A button; the label is plain words (escaped here), the confirm text is built mrkdwn. */
export function button(actionId: ActionId, stateId: string, options: { label?: string; style?: 'primary' | 'danger'; confirm?: Mrkdwn } = {}): ButtonElement {
  const element: ButtonElement = {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: plainText(truncate(options.label ?? BUTTON_LABELS[actionId], LIMITS.buttonText)), emoji: true },
    value: truncate(stateId, LIMITS.buttonValue, ''),
  };
  if (options.style !== undefined) element.style = options.style;
  if (options.confirm !== undefined) {
    element.confirm = {
      title: { type: 'plain_text', text: plainText('Are you sure?') },
      text: { type: 'mrkdwn', text: truncateMrkdwn(options.confirm, 300).text },
      confirm: { type: 'plain_text', text: plainText('Yes, do it') },
      deny: { type: 'plain_text', text: plainText('Cancel') },
    };
  }
  return element;
}
