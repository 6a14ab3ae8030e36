// What the bot keeps of a report's snapshot for the "Wrong diagnosis?" control: redacted (the same
// redaction as everything that leaves the bot) and bounded in size. Pure: no I/O, no clock.
import { redactSnapshot, redactTail } from '../../diagnostics/redact.ts';
import type { ContainerLogs, Snapshot } from '../../diagnostics/types.ts';

/** Per stored snapshot, in bytes of its JSON (UTF-8). */
export const DEFAULT_MAX_SNAPSHOT_BYTES = 256 * 1024;
/** Each log stream keeps at most its last this many characters before the size budget is applied. */
const FIRST_LOG_BUDGET = 64 * 1024;
const LAST_LOG_BUDGET = 1024;

export interface BoundedSnapshot {
  snapshot: Snapshot;
  /** Its JSON, as stored. */
  json: string;
  /** Characters dropped from the front of logs to fit. */
  logCharsDropped: number;
  /** The rollout history was dropped to fit. */
  historyDropped: boolean;
}

function tailLogs(logs: Record<string, ContainerLogs> | undefined, budget: number): { logs: Record<string, ContainerLogs>; dropped: number } {
  const out: Record<string, ContainerLogs> = {};
  let dropped = 0;
  for (const [container, entry] of Object.entries(logs ?? {})) {
    const cut = (text: string | null | undefined): string | null => {
      if (typeof text !== 'string') return null;
      // The input is cut before it is scanned (linear in what is kept, whatever the pod wrote).
      const tail = redactTail(text, budget);
      dropped += tail.omitted;
      return tail.text;
    };
    out[container] = { previous: cut(entry?.previous), current: cut(entry?.current) };
  }
  return { logs: out, dropped };
}

/**
 * The redacted snapshot cut to `maxBytes`: the logs keep their last lines (64 KiB each, halved until the
 * whole fits, down to 1 KiB), then the rollout history goes. Undefined when even that does not fit.
 */
export function boundSnapshot(snapshot: Snapshot, maxBytes: number = DEFAULT_MAX_SNAPSHOT_BYTES): BoundedSnapshot | undefined {
  // Everything but the logs is redacted whole; the logs are cut first, then redacted (redactTail).
  const { logs: _logs, ...rest } = snapshot;
  const redactedRest = redactSnapshot({ ...rest, logs: {} } as Snapshot);
  let historyDropped = false;
  for (let budget = FIRST_LOG_BUDGET; ; budget = Math.floor(budget / 2)) {
    const { logs, dropped } = tailLogs(snapshot.logs, budget);
    const candidate: Snapshot = { ...redactedRest, logs };
    if (historyDropped) delete candidate.history;
    const json = JSON.stringify(candidate);
    if (Buffer.byteLength(json, 'utf8') <= maxBytes) return { snapshot: candidate, json, logCharsDropped: dropped, historyDropped };
    if (budget <= LAST_LOG_BUDGET) {
      if (historyDropped || redactedRest.history === undefined) return undefined;
      historyDropped = true;
      budget = FIRST_LOG_BUDGET * 2;
    }
  }
}
