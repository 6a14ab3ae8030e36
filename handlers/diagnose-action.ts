// The Diagnose button (from the crashing-pod list): queue a diagnosis of the pod its state points at.
import type { BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ActionStateStore } from '../src/slack/action-state.ts';
import type { JobRouter } from '../src/queue/queues.ts';
import { diagnosingMessage, expiredMessage } from '../src/slack/render/messages.ts';

export interface DiagnoseActionDeps {
  router: Pick<JobRouter, 'enqueue'>;
  states: Pick<ActionStateStore, 'load'>;
  now?: () => Date;
}

type Args = Pick<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>, 'ack' | 'body' | 'action' | 'respond'>;

export function createDiagnoseActionHandler(deps: DiagnoseActionDeps) {
  const now = deps.now ?? (() => new Date());
  return async ({ ack, body, action, respond }: Args): Promise<void> => {
    await ack();
    const state = await deps.states.load(action.value ?? '');
    if (state === undefined) {
      const expired = expiredMessage();
      await respond({ response_type: 'ephemeral', replace_original: false, text: expired.text });
      return;
    }
    const target = `${state.namespace}/${state.pod}`;
    const channel = body.channel?.id ?? state.channel;
    await deps.router.enqueue({
      v: 1,
      cluster: state.cluster,
      target: { text: target },
      origin: 'button',
      reply: { channel, userId: body.user.id, responseUrl: body.response_url },
      requestedBy: body.user.id,
      requestedAt: now().toISOString(),
    });
    const diagnosing = diagnosingMessage(target, state.cluster);
    await respond({ response_type: 'ephemeral', replace_original: false, text: diagnosing.text });
  };
}
