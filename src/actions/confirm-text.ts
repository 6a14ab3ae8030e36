// Texts for the confirm dialogs of the report buttons, rendered by src/slack/render/report.ts.
// Slack caps a confirm dialog's text at 300 characters; these stay within it.
import type { RolloutChange } from '../../diagnostics/types.ts';
export { SLEEP_OVERRIDE_CONFIRM } from './debug/sleep-override.ts';

const MAX = 300;

/**
 * "Roll back deployment/api to revision 6 (set image v6)?" plus what changes back: image, command/args,
 * env names, resources. `change` is report.change: from its toRevision (current) back to fromRevision.
 */
export function rollbackConfirmText(toRevision: number, change?: RolloutChange): string {
  const target = change === undefined ? 'the owning workload' : `${change.owner.kind.toLowerCase()}/${change.owner.name}`;
  let text = `Roll back ${target} to revision ${toRevision}, like \`kubectl rollout undo --to-revision=${toRevision}\`.`;
  if (change !== undefined && change.fromRevision === toRevision) {
    const wanted = change.changes.filter((c) => /image|command|args|env|resources|limits|requests/i.test(c.field));
    for (const c of wanted) {
      // report.change goes from the target (before) to the current template (after); a rollback reverses it.
      const line = `\n• ${c.container === undefined ? '' : `${c.container} `}${c.field}: ${c.after || '(none)'} → ${c.before || '(none)'}`;
      if (text.length + line.length > MAX - 2) {
        text += '\n…';
        break;
      }
      text += line;
    }
  }
  return text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text;
}
