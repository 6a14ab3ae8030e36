// The thread under a report: decisive log line and evidence, back-off timeline, what changed, the fix
// with copy-paste commands, secondary findings and gaps. Pure. Every text is built with the mrkdwn tag
// (src/slack/mrkdwn.ts): whatever a pod logged is escaped, commands are already shell-quoted.
import type { BackoffTimeline, Finding, Report, RolloutChange } from '../../../diagnostics/types.ts';
import { codeBlock, context, fitBlocks, section, truncate, type Block } from './limits.ts';
import { code, fallbackText, joinMrkdwn, mrkdwn, plainText, type Mrkdwn, type SlackText } from '../mrkdwn.ts';
import type { RenderContext, RenderedMessage } from './report.ts';

/** Logs longer than this go up as a file instead of inline. */
export const INLINE_LOG_CHARS = 1500;

export interface LogFile {
  filename: string;
  /** Shown by Slack above the file: escaped like any other text. */
  title: SlackText;
  content: string;
}

const NL = mrkdwn`\n`;

function bulletList(items: { source: string; text: string }[]): Mrkdwn {
  return joinMrkdwn(items.map((e) => mrkdwn`• _${e.source}_: ${truncate(e.text, 400)}`), NL);
}

function evidenceBlocks(finding: Finding): Block[] {
  const blocks: Block[] = [];
  const log = finding.evidence.find((e) => e.kind === 'log');
  if (log !== undefined) {
    blocks.push(section(mrkdwn`*Decisive log line* (${log.source}):\n${codeBlock(log.text, 2000)}`));
  }
  const rest = finding.evidence.filter((e) => e !== log);
  const events = rest.filter((e) => e.kind === 'event');
  const other = rest.filter((e) => e.kind !== 'event');
  if (other.length > 0) blocks.push(section(mrkdwn`*Evidence*\n${bulletList(other)}`));
  if (events.length > 0) blocks.push(section(mrkdwn`*Events*\n${bulletList(events)}`));
  return blocks;
}

function timelineBlock(timeline: BackoffTimeline[]): Block | undefined {
  if (timeline.length === 0) return undefined;
  const lines = timeline.map((t) => {
    const parts = [`restarts ${t.restartCount}`];
    if (t.lastRunSeconds !== undefined) parts.push(`last run ${t.lastRunSeconds}s`);
    if (t.lastExitCode !== undefined) parts.push(`exit ${t.lastExitCode}${t.lastReason === undefined ? '' : ` (${t.lastReason})`}`);
    if (t.lastFinishedAt !== undefined) parts.push(`finished ${t.lastFinishedAt}`);
    if (t.backoffSeconds !== undefined) parts.push(`back-off ${t.backoffSeconds}s`);
    if (t.nextRestartAt !== undefined) parts.push(`next try ${t.nextRestartAt}`);
    return mrkdwn`• ${code(t.container)}: ${parts.join(' · ')}`;
  });
  return section(mrkdwn`*Back-off timeline*\n${joinMrkdwn(lines, NL)}`);
}

function changeBlock(change: RolloutChange): Block {
  const when = change.changedAt === undefined ? '' : ` at ${change.changedAt}`;
  const cause = change.changeCause === undefined ? mrkdwn`` : mrkdwn` (“${truncate(change.changeCause, 200)}”)`;
  const head = mrkdwn`*What changed:* ${change.owner.kind}/${change.owner.name} revision ${change.fromRevision} → ${change.toRevision}${when}${cause}${change.crashesBeganAfter ? '. The crashes began after this rollout.' : '.'}`;
  const diff = change.changes
    .slice(0, 15)
    .map((c) => `${c.container === undefined ? '' : `[${c.container}] `}${c.field}: ${truncate(c.before, 120)} → ${truncate(c.after, 120)}`)
    .join('\n');
  return section(diff === '' ? head : mrkdwn`${head}\n${codeBlock(diff, 2200)}`);
}

function fixBlocks(finding: Finding): Block[] {
  const fix = finding.fix;
  const steps = fix.steps.slice(0, 10).map((s, i) => mrkdwn`${i + 1}. ${truncate(s, 250)}`);
  const blocks: Block[] = [section(mrkdwn`*Fix:* ${truncate(fix.summary, 1000)}${steps.length === 0 ? '' : mrkdwn`\n${joinMrkdwn(steps, NL)}`}`)];
  if (fix.commands.length > 0) {
    // Commands are built by diagnostics/shell.ts (quoted argv); the code block escapes them for Slack.
    const commands = fix.commands.slice(0, 10).map((c) => `# ${c.description}\n${c.command}`).join('\n');
    blocks.push(section(mrkdwn`*Commands*\n${codeBlock(commands, 2800)}`));
  }
  if (fix.snippet !== undefined && fix.snippet !== '') blocks.push(section(mrkdwn`*Snippet*\n${codeBlock(fix.snippet, 2800)}`));
  return blocks;
}

/** Thread replies for a report, in posting order. Each fits Slack's limits on its own. */
export function renderThread(report: Report, ctx: RenderContext, logFile?: LogFile): RenderedMessage[] {
  const target = `${report.pod.namespace}/${report.pod.name}`;
  const messages: RenderedMessage[] = [];
  const [primary, ...secondary] = report.findings;
  if (primary !== undefined) {
    const blocks: Block[] = [...evidenceBlocks(primary)];
    const timeline = timelineBlock(report.timeline);
    if (timeline !== undefined) blocks.push(timeline);
    if (report.change !== undefined) blocks.push(changeBlock(report.change));
    if (logFile !== undefined) blocks.push(context(mrkdwn`Full log of the crashed instance attached below as ${code(logFile.filename)}.`));
    messages.push({ text: fallbackText(`Evidence for ${target}: ${truncate(primary.title, 200)}`), blocks: fitBlocks(blocks) });
    messages.push({ text: fallbackText(`How to fix ${target}`), blocks: fitBlocks(fixBlocks(primary)) });
  }
  if (secondary.length > 0) {
    const lines = secondary.slice(0, 20).map((f) => mrkdwn`• ${code(f.cause)} in ${code(f.container)} (${Math.round(f.confidence * 100)}%): ${truncate(f.title, 300)}`);
    messages.push({ text: fallbackText(`Other findings for ${target}`), blocks: fitBlocks([section(mrkdwn`*Other findings*\n${joinMrkdwn(lines, NL)}`)]) });
  }
  const notes: Mrkdwn[] = [];
  for (const gap of report.gaps.slice(0, 10)) notes.push(mrkdwn`• could not read ${gap.what}: ${truncate(gap.reason, 200)}`);
  for (const error of report.errors.slice(0, 5)) notes.push(mrkdwn`• rule ${error.rule} failed: ${truncate(error.message, 200)}`);
  if (notes.length > 0) {
    messages.push({ text: fallbackText(`What the diagnosis could not see for ${target}`), blocks: fitBlocks([section(mrkdwn`*Not seen*\n${joinMrkdwn(notes, NL)}`), context(mrkdwn`cluster ${ctx.cluster}`)]) });
  }
  return messages;
}

/** A file name Slack and shells take as it is: letters, digits, dot, dash and underscore. */
function safeFilename(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200);
}

/** The crashed instance's log as a file, when it is too long to quote inline. */
export function planLogFile(pod: { namespace: string; name: string }, container: string, log: string | null | undefined): LogFile | undefined {
  if (log === null || log === undefined || log.length <= INLINE_LOG_CHARS) return undefined;
  return {
    filename: safeFilename(`${pod.name}-${container}-previous.log`),
    title: plainText(`${pod.namespace}/${pod.name} [${container}] previous logs`),
    content: log,
  };
}
