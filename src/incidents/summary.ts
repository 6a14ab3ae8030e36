// What an incident's parent message shows about its latest diagnosis, kept in the incident hash so any
// later change (an alert resolving, an action taken) can re-render the whole parent without the report.
// Raw, unescaped values: escaping happens once, when the parent is rendered.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Report } from '../../diagnostics/types.ts';

const summarySchema = z.object({
  cause: z.string(),
  title: z.string(),
  container: z.string(),
  containerType: z.string().optional(),
  pod: z.string(),
  namespace: z.string(),
  restarts: z.number().optional(),
  lastExitCode: z.number().optional(),
  lastReason: z.string().optional(),
  /** ISO time the last crashed instance finished: "last seen". */
  lastFinishedAt: z.string().optional(),
  fix: z.string(),
  confidence: z.number(),
  diagnosedAt: z.string(),
  /** Button state (src/slack/action-state.ts) behind the parent's buttons. */
  stateId: z.string().optional(),
  rollbackRevision: z.number().optional(),
  /** The report id behind the parent's "Wrong diagnosis?" button (src/feedback), once its snapshot is kept. */
  feedbackId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  /** The owning workload's revision when diagnosed (the rollback's confirm dialog says "from revision X"). */
  currentRevision: z.number().optional(),
  /** The command the sleep override sets (ACTIONS_DEBUG_COMMAND of the worker that rendered it). */
  debugCommand: z.string().optional(),
});

export type DiagnosisSummary = z.infer<typeof summarySchema>;

export function parseDiagnosisSummary(raw: string): DiagnosisSummary | undefined {
  try {
    const parsed = summarySchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The parent's view of a report; undefined when the report found no crash. */
export function summarize(report: Report, diagnosedAt: Date, extra: Pick<DiagnosisSummary, 'stateId' | 'rollbackRevision' | 'feedbackId' | 'currentRevision' | 'debugCommand'> = {}): DiagnosisSummary | undefined {
  const primary = report.findings[0];
  if (primary === undefined) return undefined;
  const clock = report.timeline.find((t) => t.container === primary.container);
  const summary: DiagnosisSummary = {
    cause: primary.cause,
    title: primary.title.replace(/\s+/g, ' ').slice(0, 300),
    container: primary.container,
    pod: report.pod.name,
    namespace: report.pod.namespace,
    fix: primary.fix.summary.slice(0, 1000),
    confidence: primary.confidence,
    diagnosedAt: diagnosedAt.toISOString(),
  };
  if (primary.containerType !== 'main') summary.containerType = primary.containerType;
  if (clock !== undefined) {
    summary.restarts = clock.restartCount;
    if (clock.lastExitCode !== undefined) summary.lastExitCode = clock.lastExitCode;
    if (clock.lastReason !== undefined) summary.lastReason = clock.lastReason;
    if (clock.lastFinishedAt !== undefined) summary.lastFinishedAt = clock.lastFinishedAt;
  }
  if (extra.stateId !== undefined) summary.stateId = extra.stateId;
  if (extra.rollbackRevision !== undefined) summary.rollbackRevision = extra.rollbackRevision;
  if (extra.feedbackId !== undefined) summary.feedbackId = extra.feedbackId;
  if (extra.currentRevision !== undefined) summary.currentRevision = extra.currentRevision;
  if (extra.debugCommand !== undefined) summary.debugCommand = extra.debugCommand;
  return summary;
}

/**
 * What makes a diagnosis "new information": the cause, the container, the finding's title and the
 * rollback target. Restart counts and times move on every crash and only refresh the parent.
 */
export function diagnosisSignature(report: Report): string {
  const primary = report.findings[0];
  const parts = primary === undefined ? ['none'] : [primary.cause, primary.container, primary.title, String(primary.fix.kind === 'rollback' ? primary.fix.toRevision : '')];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16);
}
