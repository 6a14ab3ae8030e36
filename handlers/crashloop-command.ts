// `/crashloop …`: parse, ack at once with an ephemeral answer, then queue the job for the cluster's worker.
import type { SlackCommandMiddlewareArgs } from '@slack/bolt';
import { parseCommand } from '../src/slack/command.ts';
import { diagnosingMessage, helpMessage, queueUnavailableMessage } from '../src/slack/render/messages.ts';
import { withTimeout } from '../src/queue/with-timeout.ts';
import type { JobRouter } from '../src/queue/queues.ts';
import type { DiagnosisJobData } from '../src/queue/types.ts';
import { fallbackText } from '../src/slack/mrkdwn.ts';

export interface CrashloopCommandDeps {
  router: Pick<JobRouter, 'enqueue' | 'clusters'>;
  allowedNamespaces?: string[];
  now?: () => Date;
  log?: (message: string, error?: unknown) => void;
  /** How long queueing may take before the user is told it failed (default 5 s). */
  enqueueTimeoutMs?: number;
}

export function createCrashloopCommandHandler(deps: CrashloopCommandDeps) {
  const now = deps.now ?? (() => new Date());
  return async ({ command, ack, respond }: Pick<SlackCommandMiddlewareArgs, 'command' | 'ack' | 'respond'>): Promise<void> => {
    const parsed = parseCommand(command.text ?? '', { clusters: deps.router.clusters });
    if (parsed.kind === 'help') {
      const help = helpMessage();
      await ack({ response_type: 'ephemeral', text: help.text, blocks: help.blocks });
      return;
    }
    if (parsed.kind === 'error') {
      // The parse error quotes what the user typed: escaped like every other text.
      await ack({ response_type: 'ephemeral', text: fallbackText(parsed.message) });
      return;
    }
    const target = parsed.kind === 'diagnose' ? (parsed.target.namespace === undefined ? parsed.target.text : `${parsed.target.text} -n ${parsed.target.namespace}`) : '';
    const diagnosing = diagnosingMessage(target, parsed.cluster);
    await ack({ response_type: 'ephemeral', text: diagnosing.text, blocks: diagnosing.blocks });

    const data: DiagnosisJobData = {
      v: 1,
      cluster: parsed.cluster,
      target: parsed.kind === 'diagnose' ? parsed.target : { text: '' },
      origin: 'slash-command',
      reply: { channel: command.channel_id, userId: command.user_id, responseUrl: command.response_url },
      requestedBy: command.user_id,
      requestedAt: now().toISOString(),
      mode: parsed.kind === 'list' ? 'list' : 'diagnose',
    };
    if (deps.allowedNamespaces !== undefined) data.allowedNamespaces = deps.allowedNamespaces;
    try {
      // BullMQ's connection waits for Redis forever; the user should not.
      await withTimeout(deps.router.enqueue(data), deps.enqueueTimeoutMs ?? 5000, 'queueing the diagnosis');
    } catch (error) {
      deps.log?.('could not queue a diagnosis job', error);
      await respond({ response_type: 'ephemeral', text: queueUnavailableMessage().text });
    }
  };
}
