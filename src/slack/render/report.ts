// The parent message of a report: the primary cause in one line, key facts and the action buttons.
// Pure: the same report and context always give the same message.
import type { Finding, Report } from '../../../diagnostics/types.ts';
import { CAUSE_IDS } from '../../../diagnostics/types.ts';
import { ACTION_IDS, type ActionId } from '../../actions/types.ts';
import { button } from './buttons.ts';
import { rollbackConfirm, sleepOverrideConfirm } from '../../actions/confirm-text.ts';
import { LIMITS, context, fitBlocks, section, truncate, type Block, type ButtonElement } from './limits.ts';
import { code, fallbackText, joinMrkdwn, mrkdwn, type Mrkdwn, type SlackText } from '../mrkdwn.ts';
import { feedbackBlock } from '../../feedback/render.ts';

export const REPORT_EVENT_TYPE = 'crashloop_report';

export interface ReportMetadata {
  event_type: typeof REPORT_EVENT_TYPE;
  event_payload: {
    cause: string;
    container: string;
    namespace: string;
    pod: string;
    cluster: string;
    incident: string;
  };
}

export interface RenderContext {
  cluster: string;
  /** incidentId(...) of the report's incident, or '' when it has none. */
  incident?: string;
  /** State ids for the buttons, one per action; a missing id hides the button. */
  stateIds?: Partial<Record<ActionId, string>>;
  /** The report's id for its "Wrong diagnosis?" button (src/feedback), once its snapshot is kept. */
  feedbackId?: string;
  /** The owning workload the write buttons act on (named in their confirm dialogs). */
  workload?: { kind: string; name: string };
  /** The command the sleep override will set (ACTIONS_DEBUG_COMMAND), shown in its confirm dialog. */
  debugCommand?: string;
}

/** The default of ACTIONS_DEBUG_COMMAND. */
export const DEFAULT_DEBUG_COMMAND = 'sleep 3600';

/** A message ready to post: `text` is the notification fallback, escaped like the blocks. */
export interface RenderedMessage {
  text: SlackText;
  blocks: Block[];
}

export interface RenderedReport extends RenderedMessage {
  metadata: ReportMetadata;
}

export function reportMetadata(report: Report, ctx: RenderContext): ReportMetadata {
  const primary = report.findings[0];
  return {
    event_type: REPORT_EVENT_TYPE,
    event_payload: {
      cause: primary?.cause ?? 'none',
      container: primary?.container ?? '',
      namespace: report.pod.namespace,
      pod: report.pod.name,
      cluster: ctx.cluster,
      incident: ctx.incident ?? '',
    },
  };
}

/** The rollback target, when the report suggests one. */
export function rollbackRevision(report: Report): number | undefined {
  for (const finding of report.findings) {
    if (finding.fix.kind === 'rollback') return finding.fix.toRevision;
  }
  return report.change?.crashesBeganAfter === true ? report.change.fromRevision : undefined;
}

function keyFacts(report: Report, primary: Finding, ctx: RenderContext): Mrkdwn[] {
  const facts = [mrkdwn`*Cause:* ${code(primary.cause)}`, mrkdwn`*Container:* ${code(primary.container)}${primary.containerType === 'main' ? '' : ` (${primary.containerType})`}`];
  const clock = report.timeline.find((t) => t.container === primary.container) ?? report.timeline[0];
  if (clock !== undefined) {
    const exit = clock.lastExitCode === undefined ? '' : `exit ${clock.lastExitCode}`;
    const reason = clock.lastReason ?? '';
    const last = [exit, reason].filter((s) => s !== '').join(' · ');
    if (last !== '') facts.push(mrkdwn`*Last exit:* ${last}`);
    facts.push(mrkdwn`*Restarts:* ${clock.restartCount}${clock.backoffSeconds === undefined ? '' : ` · back-off ${clock.backoffSeconds}s`}`);
  }
  facts.push(mrkdwn`*Where:* ${ctx.cluster} / ${code(report.pod.namespace)}`);
  if (report.change?.crashesBeganAfter === true) {
    facts.push(mrkdwn`*Began after:* revision ${report.change.toRevision}${report.change.changeCause === undefined ? '' : ` (${truncate(report.change.changeCause, 80)})`}`);
  }
  return facts;
}

function actionButtons(report: Report, ctx: RenderContext): ButtonElement[] {
  const ids = ctx.stateIds ?? {};
  const buttons: ButtonElement[] = [];
  const add = (actionId: ActionId, options: Parameters<typeof button>[2] = {}): void => {
    const stateId = ids[actionId];
    if (stateId !== undefined) buttons.push(button(actionId, stateId, options));
  };
  add(ACTION_IDS.previousLogs);
  // The override modifies the workload (the debug copy is the one that leaves it alone): say so.
  const primary = report.findings[0];
  const where = { cluster: ctx.cluster, namespace: report.pod.namespace };
  add(ACTION_IDS.sleepOverride, {
    confirm: sleepOverrideConfirm({ ...where, ...(ctx.workload ?? {}), pod: report.pod.name, ...(primary === undefined ? {} : { container: primary.container }), command: ctx.debugCommand ?? DEFAULT_DEBUG_COMMAND }),
  });
  add(ACTION_IDS.debugCopy);
  const revision = rollbackRevision(report);
  if (revision !== undefined) {
    add(ACTION_IDS.rolloutUndo, {
      label: `Roll back to revision ${revision}`,
      style: 'danger',
      // Object, namespace, cluster, from and to revision, and what goes back (image, command/args, env names, resources).
      confirm: rollbackConfirm(
        revision,
        {
          ...where,
          name: ctx.workload?.name ?? report.change?.owner.name ?? report.pod.name,
          ...((ctx.workload?.kind ?? report.change?.owner.kind) === undefined ? {} : { kind: ctx.workload?.kind ?? report.change?.owner.kind }),
          ...(report.change === undefined ? {} : { fromRevision: report.change.toRevision }),
        },
        report.change,
      ),
    });
  }
  return buttons.slice(0, LIMITS.actionElements);
}

/** The parent message of a report. */
export function renderReport(report: Report, ctx: RenderContext): RenderedReport {
  const target = `${report.pod.namespace}/${report.pod.name}`;
  const metadata = reportMetadata(report, ctx);
  const primary = report.findings[0];
  if (primary === undefined) {
    const text = fallbackText(`No crash found for ${target}: every container is running without a recent crash.`);
    return {
      text,
      blocks: [
        section(mrkdwn`:white_check_mark: *${target}*: no crash found. Every container is running without a recent crash.`),
        context(mrkdwn`cluster ${ctx.cluster}`),
        ...(ctx.feedbackId === undefined ? [] : [feedbackBlock(ctx.feedbackId)]),
      ],
      metadata,
    };
  }
  const title = truncate(primary.title.replace(/\s+/g, ' '), 300);
  const text = fallbackText(`${target} is crash-looping (${primary.cause}): ${title}`, 200);
  const blocks: Block[] = [
    section(mrkdwn`:rotating_light: *${target}* is crash-looping: *${title}*`),
    context(...keyFacts(report, primary, ctx)),
    section(mrkdwn`*Fix:* ${truncate(primary.fix.summary, 1000)}`),
  ];
  // Honest uncertainty, one line: runner-up causes (taxonomy ids only) next to the primary one.
  const alternatives = (report.alternatives ?? []).filter((a) => CAUSE_IDS.includes(a.cause));
  if (alternatives.length > 0) {
    const alts = joinMrkdwn(alternatives.map((a) => mrkdwn`${code(a.cause)} (${Math.round(a.confidence * 100)}%)`), ', ');
    blocks.push(context(mrkdwn`Likely ${code(primary.cause)}; also fits: ${alts}`));
  }
  const buttons = actionButtons(report, ctx);
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: 'crashloop_actions', elements: buttons });
  if (ctx.feedbackId !== undefined) blocks.push(feedbackBlock(ctx.feedbackId));
  blocks.push(context(mrkdwn`Details, logs and commands in the thread :thread:  ·  confidence ${Math.round(primary.confidence * 100)}%`));
  return { text, blocks: fitBlocks(blocks), metadata };
}
