// The "Wrong diagnosis?" loop: what the worker keeps of a report (its redacted snapshot, bounded) and
// what a click stores (that snapshot, the engine's answer and the label the clicker picked). Redis is a
// trust boundary: both are validated (zod) when read back, and a value that does not validate is ignored.
import { z } from 'zod';
import { CAUSE_IDS, type CauseId, type Snapshot } from '../../diagnostics/types.ts';

/** The action_id of the report's "Wrong diagnosis?" button and the callback_id of its modal. */
export const FEEDBACK_ACTION_ID = 'crashloop_feedback';
export const FEEDBACK_VIEW_ID = 'crashloop_feedback_view';
/** The policy class a label needs: whoever may read the report may say it is wrong (docs/feedback.md). */
export const FEEDBACK_CLASS = 'read' as const;
/** The longest note kept, in characters (after trimming). */
export const MAX_NOTE_CHARS = 300;

/** The engine's answer, as the report showed it. `cause` is "none" when it found nothing. */
export interface EngineAnswer {
  cause: string;
  container: string;
  confidence?: number;
  alternatives: string[];
}

/** Kept by the worker when it posts a report, keyed by the report's id (its button state id). */
export interface ReportSnapshot {
  v: 1;
  id: string;
  at: string;
  cluster: string;
  namespace: string;
  pod: string;
  /** Container names (init first), for the modal's container choice. */
  containers: string[];
  engine: EngineAnswer;
  snapshot: Snapshot;
}

/** Stored once per report when someone marks its diagnosis wrong. */
export interface FeedbackItem extends Omit<ReportSnapshot, 'v'> {
  v: 1;
  /** When it was marked. */
  markedAt: string;
  /** Slack user id of the clicker. */
  user: string;
  channel: string;
  threadTs?: string;
  expected: { cause: CauseId; container: string; note: string };
}

const k8sName = z.string().min(1).max(253);
const engineSchema = z.object({
  cause: z.string().min(1).max(100),
  container: z.string().max(253),
  confidence: z.number().min(0).max(1).optional(),
  alternatives: z.array(z.string().max(100)).max(10),
});
// The snapshot is the engine's input: it must at least be a pod with metadata, events and logs.
const snapshotSchema = z.looseObject({
  pod: z.looseObject({ metadata: z.looseObject({}) }),
  events: z.array(z.unknown()),
  logs: z.record(z.string(), z.object({ previous: z.string().nullable(), current: z.string().nullable() })),
});
const reportSnapshotFields = {
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  at: z.string().max(40),
  cluster: z.string().min(1).max(100),
  namespace: k8sName,
  pod: k8sName,
  containers: z.array(k8sName).max(100),
  engine: engineSchema,
  snapshot: snapshotSchema,
};
const reportSnapshotSchema = z.object({ v: z.literal(1), ...reportSnapshotFields });
const itemSchema = z.object({
  v: z.literal(1),
  ...reportSnapshotFields,
  markedAt: z.string().max(40),
  user: z.string().regex(/^[UW][A-Z0-9]{2,}$/),
  channel: z.string().regex(/^[A-Z0-9]{2,}$/),
  threadTs: z.string().regex(/^\d{1,12}\.\d{1,8}$/).optional(),
  expected: z.object({ cause: z.enum(CAUSE_IDS), container: z.string().max(253), note: z.string().max(MAX_NOTE_CHARS * 2) }),
});

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** Drops keys zod reports as undefined (exactOptionalPropertyTypes). */
function clean<T>(value: unknown): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value as T;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function parseReportSnapshot(raw: string): ReportSnapshot | undefined {
  const result = reportSnapshotSchema.safeParse(parseJson(raw));
  if (!result.success) return undefined;
  return clean<ReportSnapshot>({ ...result.data, engine: clean(result.data.engine) });
}

export function parseFeedbackItem(raw: string): FeedbackItem | undefined {
  const result = itemSchema.safeParse(parseJson(raw));
  if (!result.success) return undefined;
  return clean<FeedbackItem>({ ...result.data, engine: clean(result.data.engine) });
}

export function isCauseId(value: string): value is CauseId {
  return (CAUSE_IDS as readonly string[]).includes(value);
}
