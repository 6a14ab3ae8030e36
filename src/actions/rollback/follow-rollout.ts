// After an undo: poll the workload and edit one thread message as pods become ready, then say how it ended.
import type { ClusterWriter } from '../../cluster/actions/cluster-writer.ts';
import type { ActionSlack } from '../slack-port.ts';
import type { RollbackKind } from './plan-rollback.ts';
import { rolloutStatus, type RolloutStatus } from './rollout-status.ts';
import { rolloutStatusCommand } from '../commands.ts';
import { code, mrkdwn, type Mrkdwn } from '../../slack/mrkdwn.ts';

export interface FollowOptions {
  writer: ClusterWriter;
  slack: ActionSlack;
  channel: string;
  threadTs: string;
  namespace: string;
  kind: RollbackKind;
  name: string;
  /** Prefix of every edit, e.g. "Rollback of payments-api to revision 6". */
  title: string;
  timeoutMs: number;
  pollMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

export type FollowResult = RolloutStatus | { state: 'timed-out'; message: string };

export async function followRollout(o: FollowOptions): Promise<FollowResult> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = now();
  const { ts } = await o.slack.postMessage({ channel: o.channel, threadTs: o.threadTs, text: mrkdwn`${o.title}: following the rollout…`.text });
  let last = '';
  const show = async (message: Mrkdwn): Promise<void> => {
    if (message.text === last) return;
    last = message.text;
    await o.slack.updateMessage({ channel: o.channel, ts, text: message.text });
  };
  for (;;) {
    let status: RolloutStatus;
    try {
      status = rolloutStatus(o.kind, await o.writer.getWorkload(o.namespace, o.kind, o.name, o.signal));
    } catch (err) {
      status = { state: 'unknown', message: `cannot read the workload: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (status.state === 'complete') {
      await show(mrkdwn`:white_check_mark: ${o.title}: ${status.message}.`);
      return status;
    }
    if (status.state === 'failed') {
      await show(mrkdwn`:x: ${o.title}: ${status.message}.`);
      return status;
    }
    if (status.state === 'progressing') await show(mrkdwn`:hourglass_flowing_sand: ${o.title}: ${status.message}`);
    if (now() - started >= o.timeoutMs || o.signal?.aborted === true) {
      const result: FollowResult = { state: 'timed-out', message: `timed out after ${Math.round(o.timeoutMs / 1000)} s (${status.message})` };
      await show(mrkdwn`:warning: ${o.title}: ${result.message}. Check with ${code(rolloutStatusCommand(o.namespace, o.kind, o.name))}.`);
      return result;
    }
    await sleep(o.pollMs);
  }
}
