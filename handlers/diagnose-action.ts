// The Diagnose button (from the crashing-pod list): ack, validate the click, queue a diagnosis of the
// pod its state points at, and say so (or say plainly why not).
import type { BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { ACTION_IDS } from '../src/actions/types.ts';
import { BINDING_REFUSED, bindingMismatch, type ActionStateStore } from '../src/slack/action-state.ts';
import { authorizeReport, DEFAULT_POLICY, type Policy } from '../src/auth/policy.ts';
import type { PrincipalLookup } from '../src/auth/principal.ts';
import { deniedMessage } from '../src/slack/render/denied.ts';
import { parseButtonClick } from '../src/slack/action-request.ts';
import type { JobRouter } from '../src/queue/queues.ts';
import { withTimeout } from '../src/queue/with-timeout.ts';
import { badClickMessage, diagnosingMessage, expiredMessage, queueUnavailableMessage } from '../src/slack/render/messages.ts';
import { ackContext, type AckLookups } from '../src/slack/report-location.ts';

export interface DiagnoseActionDeps {
  router: Pick<JobRouter, 'enqueue'>;
  states: Pick<ActionStateStore, 'load'>;
  /** Decided at click time for the clicker, never taken from the button's state. */
  policy?: Policy;
  principal?: PrincipalLookup;
  now?: () => Date;
  log?: (message: string, error?: unknown) => void;
  /** What the ack says besides "queued": the cluster's worker presence, the open incident (src/slack/report-location.ts). */
  presence?: AckLookups['presence'];
  locate?: AckLookups['locate'];
  /** How long loading the button state may take before the user is told it failed (default 5 s); the router bounds the enqueue. */
  enqueueTimeoutMs?: number;
}

type Args = Pick<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>, 'ack' | 'body' | 'action' | 'respond'>;

export function createDiagnoseActionHandler(deps: DiagnoseActionDeps) {
  const now = deps.now ?? (() => new Date());
  const timeoutMs = deps.enqueueTimeoutMs ?? 5000;
  return async ({ ack, body, action, respond }: Args): Promise<void> => {
    await ack();
    const say = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    const click = parseButtonClick(ACTION_IDS.diagnose, body, action);
    if (!click.ok) {
      await say(badClickMessage(click.error).text);
      return;
    }
    const { request } = click;
    try {
      const state = await withTimeout(deps.states.load(request.stateId), timeoutMs, 'loading the button state');
      if (state === undefined) {
        await say(expiredMessage().text);
        return;
      }
      const mismatch = bindingMismatch(state, { channel: request.channel, messageTs: request.messageTs, teamId: request.user.teamId });
      if (mismatch !== undefined) {
        await say(`${BINDING_REFUSED} (the ${mismatch} differs)`);
        return;
      }
      const who = deps.principal === undefined ? { userId: request.user.id, groupIds: [] } : await deps.principal(request.user.id);
      const decision = authorizeReport(deps.policy ?? DEFAULT_POLICY, { cluster: state.cluster, namespace: state.namespace }, request.channel, who);
      if (!decision.allowed) {
        await say(deniedMessage(decision.reason).text);
        return;
      }
      const target = `${state.namespace}/${state.pod}`;
      // Bounded by the router; a refusal means the job never runs (src/queue/bounded-enqueue.ts).
      await deps.router.enqueue({
          v: 1,
          cluster: state.cluster,
          target: { text: target },
          origin: 'button',
          reply: { channel: request.channel, userId: request.user.id, responseUrl: body.response_url, ...(request.user.teamId === undefined ? {} : { teamId: request.user.teamId }) },
          requestedBy: request.user.id,
          requestedAt: now().toISOString(),
        });
      const answer = diagnosingMessage(target, state.cluster, await ackContext(deps, state.cluster, { namespace: state.namespace, name: state.pod }));
      await respond({ response_type: 'ephemeral', replace_original: false, text: answer.text, blocks: answer.blocks });
    } catch (error) {
      deps.log?.('could not queue a diagnosis from the Diagnose button', error);
      await say(queueUnavailableMessage().text);
    }
  };
}
