// The ActionExecutor used until the real actions are wired in: it does nothing and says so plainly.
import type { ActionExecutor, ActionOutcome, ActionRequest } from '../actions/types.ts';
import { BUTTON_LABELS } from './render/buttons.ts';
import { expiredMessage, notAvailableMessage } from './render/messages.ts';
import type { ActionStateStore } from './action-state.ts';

export class NotAvailableExecutor implements ActionExecutor {
  private readonly states: Pick<ActionStateStore, 'load'>;

  constructor(states: Pick<ActionStateStore, 'load'>) {
    this.states = states;
  }

  async execute(request: ActionRequest): Promise<ActionOutcome> {
    if ((await this.states.load(request.stateId)) === undefined) return { status: 'expired', message: expiredMessage().text };
    const label = BUTTON_LABELS[request.actionId];
    return { status: 'failed', message: notAvailableMessage(label).text };
  }
}
