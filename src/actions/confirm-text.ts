// The confirm dialogs of the buttons that change something. Each names the exact object, its namespace
// and cluster, and the change ("from revision 7 to 6", the real debug command), under a title that says
// what happens; src/slack/render/buttons.ts keeps them within Slack's caps (title 100, text 300, buttons
// 30). Built as mrkdwn (escaped) and redacted: change-causes, images and args come from the cluster and
// may carry markup or secrets.
import type { RolloutChange } from '../../diagnostics/types.ts';
import { redactText } from '../../diagnostics/redact.ts';
import { code, joinMrkdwn, mrkdwn, truncateMrkdwn, type Mrkdwn } from '../slack/mrkdwn.ts';
import { CONFIRM_LIMITS, type ConfirmDialog } from '../slack/render/buttons.ts';

const MAX = CONFIRM_LIMITS.text;

/** Where an action acts: namespace and cluster, always both. */
export interface ConfirmTarget {
  cluster: string;
  namespace: string;
}

function where(t: ConfirmTarget): Mrkdwn {
  return mrkdwn`in namespace ${code(t.namespace)} on cluster ${code(t.cluster)}`;
}

/**
 * "Roll back deployment/api to revision 6 (set image v6)?" plus what changes back: image, command/args,
 * env names, resources. `change` is report.change: from its toRevision (current) back to fromRevision.
 */
export function rollbackConfirmText(toRevision: number, change?: RolloutChange, target?: ConfirmTarget & { kind?: string; name?: string; fromRevision?: number }): Mrkdwn {
  const kind = target?.kind ?? change?.owner.kind;
  const name = target?.name ?? change?.owner.name;
  const object = kind === undefined || name === undefined ? 'the owning workload' : `${kind.toLowerCase()}/${name}`;
  const from = target?.fromRevision ?? (change !== undefined && change.fromRevision === toRevision ? change.toRevision : undefined);
  const head =
    target === undefined
      ? mrkdwn`Roll back ${object} to revision ${toRevision}, like \`kubectl rollout undo --to-revision=${toRevision}\`.`
      : mrkdwn`Roll back ${code(object)} ${where(target)} ${from === undefined ? '' : `from revision ${from} `}to revision ${toRevision}, like \`kubectl rollout undo --to-revision=${toRevision}\`.`;
  const parts: Mrkdwn[] = [head];
  let length = head.length;
  if (change !== undefined && change.fromRevision === toRevision) {
    const wanted = change.changes.filter((c) => /image|command|args|env|resources|limits|requests/i.test(c.field));
    for (const c of wanted) {
      // report.change goes from the target (before) to the current template (after); a rollback reverses it.
      const line = mrkdwn`\n• ${c.container === undefined ? '' : `${c.container} `}${c.field}: ${redactText(c.after) || '(none)'} → ${redactText(c.before) || '(none)'}`;
      if (length + line.length > MAX - 2) {
        parts.push(mrkdwn`\n…`);
        break;
      }
      parts.push(line);
      length += line.length;
    }
  }
  return truncateMrkdwn(joinMrkdwn(parts), MAX);
}

export function rollbackConfirm(toRevision: number, target: ConfirmTarget & { kind?: string; name: string; fromRevision?: number }, change?: RolloutChange): ConfirmDialog {
  return {
    title: `Roll back ${target.name} to revision ${toRevision}?`,
    text: rollbackConfirmText(toRevision, change, target),
    confirm: `Roll back to ${toRevision}`,
  };
}

/** The sleep override: the object, the container and the real command it will set. */
export function sleepOverrideConfirm(target: ConfirmTarget & { kind?: string; name?: string; pod: string; container?: string; command: string }): ConfirmDialog {
  const object = target.name === undefined ? `the workload of pod ${target.pod}` : `${(target.kind ?? 'workload').toLowerCase()}/${target.name}`;
  const container = target.container === undefined ? 'its failing container' : mrkdwn`container ${code(target.container)}`;
  return {
    title: `Put ${target.name ?? target.pod} to sleep for debugging?`,
    text: truncateMrkdwn(
      mrkdwn`:warning: This MODIFIES ${code(object)} ${where(target)}: ${container} will run ${code(target.command)} with its probes removed, and every replica is replaced (no real process serves). The original template is saved; *Revert* restores it.`,
      MAX,
    ),
    confirm: 'Override and roll out',
  };
}

/** Revert (or "Revert anyway", which discards the changes made since the override). */
export function revertConfirm(target: ConfirmTarget & { kind: string; name: string }, discarded?: number): ConfirmDialog {
  const object = `${target.kind.toLowerCase()}/${target.name}`;
  if (discarded === undefined) {
    return { title: `Revert the sleep override of ${target.name}?`, text: mrkdwn`Restores the original template of ${code(object)} ${where(target)} (rolls out new pods).`, confirm: 'Revert' };
  }
  return {
    title: `Revert ${target.name} and discard ${discarded} change${discarded === 1 ? '' : 's'}?`,
    text: mrkdwn`Restores ${code(object)} ${where(target)} to its template from before the sleep override and DISCARDS the ${discarded} change${discarded === 1 ? '' : 's'} made since.`,
    confirm: 'Revert anyway',
  };
}

/** "Delete now" on a debug copy: names the copy. */
export function deleteCopyConfirm(target: ConfirmTarget & { copy: string; of: string }): ConfirmDialog {
  return {
    title: `Delete debug copy ${target.copy}?`,
    text: mrkdwn`Deletes the pod ${code(target.copy)} ${where(target)} (the debug copy of ${code(target.of)}) now; any shell in it ends. The workload is untouched.`,
    confirm: 'Delete the copy',
  };
}
