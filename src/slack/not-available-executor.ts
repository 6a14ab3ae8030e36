// The ActionExecutor used until the real actions are wired in: it does nothing and says so plainly.
import type { ActionExecutor, ActionOutcome, ActionRequest } from '../actions/types.ts';
import { BUTTON_LABELS } from './render/buttons.ts';
import { notAvailableMessage } from './render/messages.ts';

export class NotAvailableExecutor implements ActionExecutor {
  async execute(request: ActionRequest): Promise<ActionOutcome> {
    const label = BUTTON_LABELS[request.actionId];
    return { status: 'failed', message: notAvailableMessage(label).text };
  }
}
