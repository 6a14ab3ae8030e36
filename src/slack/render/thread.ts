// The thread under a report: decisive log line and evidence, back-off timeline, what changed, the fix
// with copy-paste commands, secondary findings and gaps. Pure.
import type { BackoffTimeline, Finding, Report, RolloutChange } from '../../../diagnostics/types.ts';
import { codeBlock, context, escapeMrkdwn, fitBlocks, section, truncate, type Block } from './limits.ts';
import type { RenderContext, RenderedMessage } from './report.ts';

/** Logs longer than this go up as a file instead of inline. */
export const INLINE_LOG_CHARS = 1500;

export interface LogFile {
  filename: string;
  title: string;
  content: string;
}

function evidenceBlocks(finding: Finding): Block[] {
  const blocks: Block[] = [];
  const log = finding.evidence.find((e) => e.kind === 'log');
  if (log !== undefined) {
    blocks.push(section(`*Decisive log line* (${escapeMrkdwn(log.source)}):\n${codeBlock(log.text, 2000)}`));
  }
  const rest = finding.evidence.filter((e) => e !== log);
  const events = rest.filter((e) => e.kind === 'event');
  const other = rest.filter((e) => e.kind !== 'event');
  if (other.length > 0) {
    blocks.push(section(`*Evidence*\n${other.map((e) => `• _${escapeMrkdwn(e.source)}_: ${escapeMrkdwn(truncate(e.text, 400))}`).join('\n')}`));
  }
  if (events.length > 0) {
    blocks.push(section(`*Events*\n${events.map((e) => `• _${escapeMrkdwn(e.source)}_: ${escapeMrkdwn(truncate(e.text, 400))}`).join('\n')}`));
  }
  return blocks;
}

function timelineBlock(timeline: BackoffTimeline[]): Block | undefined {
  if (timeline.length === 0) return undefined;
  const lines = timeline.map((t) => {
    const parts = [`restarts ${t.restartCount}`];
    if (t.lastRunSeconds !== undefined) parts.push(`last run ${t.lastRunSeconds}s`);
    if (t.lastExitCode !== undefined) parts.push(`exit ${t.lastExitCode}${t.lastReason === undefined ? '' : ` (${escapeMrkdwn(t.lastReason)})`}`);
    if (t.lastFinishedAt !== undefined) parts.push(`finished ${t.lastFinishedAt}`);
    if (t.backoffSeconds !== undefined) parts.push(`back-off ${t.backoffSeconds}s`);
    if (t.nextRestartAt !== undefined) parts.push(`next try ${t.nextRestartAt}`);
    return `• \`${escapeMrkdwn(t.container)}\`: ${parts.join(' · ')}`;
  });
  return section(`*Back-off timeline*\n${lines.join('\n')}`);
}

function changeBlock(change: RolloutChange): Block {
  const head = `*What changed:* ${escapeMrkdwn(change.owner.kind)}/${escapeMrkdwn(change.owner.name)} revision ${change.fromRevision} → ${change.toRevision}` +
    (change.changedAt === undefined ? '' : ` at ${change.changedAt}`) +
    (change.changeCause === undefined ? '' : ` (“${escapeMrkdwn(truncate(change.changeCause, 200))}”)`) +
    (change.crashesBeganAfter ? '. The crashes began after this rollout.' : '.');
  const diff = change.changes
    .slice(0, 15)
    .map((c) => `${c.container === undefined ? '' : `[${c.container}] `}${c.field}: ${truncate(c.before, 120)} → ${truncate(c.after, 120)}`)
    .join('\n');
  return section(diff === '' ? head : `${head}\n${codeBlock(diff, 2200)}`);
}

function fixBlocks(finding: Finding): Block[] {
  const fix = finding.fix;
  const blocks: Block[] = [section(`*Fix:* ${escapeMrkdwn(truncate(fix.summary, 1000))}${fix.steps.length === 0 ? '' : `\n${fix.steps.slice(0, 10).map((s, i) => `${i + 1}. ${escapeMrkdwn(truncate(s, 250))}`).join('\n')}`}`)];
  if (fix.commands.length > 0) {
    const commands = fix.commands.slice(0, 10).map((c) => `# ${c.description}\n${c.command}`).join('\n');
    blocks.push(section(`*Commands*\n${codeBlock(commands, 2800)}`));
  }
  if (fix.snippet !== undefined && fix.snippet !== '') blocks.push(section(`*Snippet*\n${codeBlock(fix.snippet, 2800)}`));
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
    if (logFile !== undefined) blocks.push(context(`Full log of the crashed instance attached below as \`${escapeMrkdwn(logFile.filename)}\`.`));
    messages.push({ text: `Evidence for ${target}: ${truncate(primary.title, 200)}`, blocks: fitBlocks(blocks) });
    messages.push({ text: `How to fix ${target}`, blocks: fitBlocks(fixBlocks(primary)) });
  }
  if (secondary.length > 0) {
    const lines = secondary.slice(0, 20).map((f) => `• \`${f.cause}\` in \`${escapeMrkdwn(f.container)}\` (${Math.round(f.confidence * 100)}%): ${escapeMrkdwn(truncate(f.title, 300))}`);
    messages.push({ text: `Other findings for ${target}`, blocks: fitBlocks([section(`*Other findings*\n${lines.join('\n')}`)]) });
  }
  const notes: string[] = [];
  for (const gap of report.gaps.slice(0, 10)) notes.push(`• could not read ${escapeMrkdwn(gap.what)}: ${escapeMrkdwn(truncate(gap.reason, 200))}`);
  for (const error of report.errors.slice(0, 5)) notes.push(`• rule ${escapeMrkdwn(error.rule)} failed: ${escapeMrkdwn(truncate(error.message, 200))}`);
  if (notes.length > 0) {
    messages.push({ text: `What the diagnosis could not see for ${target}`, blocks: fitBlocks([section(`*Not seen*\n${notes.join('\n')}`), context(`cluster ${escapeMrkdwn(ctx.cluster)}`)]) });
  }
  return messages;
}

/** The crashed instance's log as a file, when it is too long to quote inline. */
export function planLogFile(pod: { namespace: string; name: string }, container: string, log: string | null | undefined): LogFile | undefined {
  if (log === null || log === undefined || log.length <= INLINE_LOG_CHARS) return undefined;
  return {
    filename: `${pod.name}-${container}-previous.log`,
    title: `${pod.namespace}/${pod.name} [${container}] previous logs`,
    content: log,
  };
}
