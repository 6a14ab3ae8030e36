// `/crashloop …`: parse, authorize, queue the job for the cluster's worker (bounded), then ack with an
// ephemeral answer that says what happened: queued (it runs once) or refused (it never runs), where the
// report will appear (this channel, or the open incident's message, linked) and, when the cluster's
// queue has no live worker, that it waits for one.
import type { SlackCommandMiddlewareArgs } from '@slack/bolt';
import { parseCommand } from '../src/slack/command.ts';
import { diagnosingMessage, helpMessage, queueUnavailableMessage, type IncidentLocation } from '../src/slack/render/messages.ts';
import type { Presence } from '../src/queue/worker-presence.ts';
import { ackContext } from '../src/slack/report-location.ts';
import type { JobRouter } from '../src/queue/queues.ts';
import type { DiagnosisJobData } from '../src/queue/types.ts';
import { fallbackText } from '../src/slack/mrkdwn.ts';
import { authorizeReport, DEFAULT_POLICY, type Policy } from '../src/auth/policy.ts';
import type { PrincipalLookup } from '../src/auth/principal.ts';
import { parseTarget } from '../src/cluster/names.ts';
import { deniedMessage } from '../src/slack/render/denied.ts';

export interface CrashloopCommandDeps {
  router: Pick<JobRouter, 'enqueue' | 'clusters'>;
  /** Who may read what (and where reports may go); the worker decides again when it resolves the pod. */
  policy?: Policy;
  principal?: PrincipalLookup;
  now?: () => Date;
  log?: (message: string, error?: unknown) => void;
  /** Whether the cluster's queue has a live worker (src/queue/worker-presence.ts). */
  presence?: (cluster: string) => Promise<Presence>;
  /** The open incident a report about namespace/name would update (src/slack/report-location.ts). */
  locate?: (cluster: string, namespace: string, name: string) => Promise<IncidentLocation | undefined>;
}

export function createCrashloopCommandHandler(deps: CrashloopCommandDeps) {
  const now = deps.now ?? (() => new Date());
  return async ({ command, ack }: Pick<SlackCommandMiddlewareArgs, 'command' | 'ack' | 'respond'>): Promise<void> => {
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
    // Authorize: a named namespace is decided here, before anything is queued; a bare name is decided by
    // the worker once it knows the namespace (it looks only where the user may read).
    if (parsed.kind === 'diagnose') {
      const namespace = namespaceOf(parsed.target);
      if (namespace !== undefined) {
        const who = deps.principal === undefined ? { userId: command.user_id, groupIds: [] } : await deps.principal(command.user_id);
        const decision = authorizeReport(deps.policy ?? DEFAULT_POLICY, { cluster: parsed.cluster, namespace }, command.channel_id, who);
        if (!decision.allowed) {
          const denied = deniedMessage(decision.reason);
          await ack({ response_type: 'ephemeral', text: denied.text, blocks: denied.blocks });
          return;
        }
      }
    }
    const target = parsed.kind === 'diagnose' ? (parsed.target.namespace === undefined ? parsed.target.text : `${parsed.target.text} -n ${parsed.target.namespace}`) : '';
    const data: DiagnosisJobData = {
      v: 1,
      cluster: parsed.cluster,
      target: parsed.kind === 'diagnose' ? parsed.target : { text: '' },
      origin: 'slash-command',
      reply: { channel: command.channel_id, userId: command.user_id, responseUrl: command.response_url, ...(command.team_id === undefined ? {} : { teamId: command.team_id }) },
      requestedBy: command.user_id,
      requestedAt: now().toISOString(),
      mode: parsed.kind === 'list' ? 'list' : 'diagnose',
    };
    // Queue first, then answer once with what happened: the router answers within its bound (2 s, inside
    // Slack's 3 s), and a refused job never runs (src/queue/bounded-enqueue.ts). No "diagnosing…" for a
    // job that will not run, no "try again" for one that will.
    const context = ackContext(deps, parsed.cluster, parsed.kind === 'diagnose' ? targetOf(parsed.target) : {});
    try {
      await deps.router.enqueue(data);
    } catch (error) {
      deps.log?.('could not queue a diagnosis job; the user was told it will not run', error);
      const refused = queueUnavailableMessage();
      await ack({ response_type: 'ephemeral', text: refused.text, blocks: refused.blocks });
      return;
    }
    const diagnosing = diagnosingMessage(target, parsed.cluster, await context);
    await ack({ response_type: 'ephemeral', text: diagnosing.text, blocks: diagnosing.blocks });
  };
}

function targetOf(target: { text: string; namespace?: string }): { namespace?: string; name?: string } {
  try {
    const parsed = parseTarget(target.text, target.namespace);
    return { ...(parsed.namespace === undefined ? {} : { namespace: parsed.namespace }), name: parsed.name };
  } catch {
    return {};
  }
}

function namespaceOf(target: { text: string; namespace?: string }): string | undefined {
  try {
    return parseTarget(target.text, target.namespace).namespace;
  } catch {
    return undefined;
  }
}
