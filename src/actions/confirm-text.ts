// Texts for the confirm dialogs of the report buttons, rendered by src/slack/render/report.ts.
// Slack caps a confirm dialog's text at 300 characters; these stay within it. Built as mrkdwn (escaped)
// and redacted: change-causes, images and args come from the cluster and may carry markup or secrets.
import type { RolloutChange } from '../../diagnostics/types.ts';
import { redactText } from '../../diagnostics/redact.ts';
import { joinMrkdwn, mrkdwn, text, truncateMrkdwn, type Mrkdwn } from '../slack/mrkdwn.ts';
import { SLEEP_OVERRIDE_CONFIRM as OVERRIDE_CONFIRM_WORDS } from './debug/sleep-override.ts';

const MAX = 300;

/** The sleep-override confirm text, escaped like every other text. */
export const SLEEP_OVERRIDE_CONFIRM: Mrkdwn = text(OVERRIDE_CONFIRM_WORDS);

/**
 * "Roll back deployment/api to revision 6 (set image v6)?" plus what changes back: image, command/args,
 * env names, resources. `change` is report.change: from its toRevision (current) back to fromRevision.
 */
export function rollbackConfirmText(toRevision: number, change?: RolloutChange): Mrkdwn {
  const target = change === undefined ? 'the owning workload' : `${change.owner.kind.toLowerCase()}/${change.owner.name}`;
  const parts: Mrkdwn[] = [mrkdwn`Roll back ${target} to revision ${toRevision}, like \`kubectl rollout undo --to-revision=${toRevision}\`.`];
  let length = parts[0]?.length ?? 0;
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
