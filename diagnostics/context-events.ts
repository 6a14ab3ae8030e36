// Events: normalized from core/v1 or events.k8s.io shapes, and attributed to the container they concern.
import type { ContainerCtx, EventCtx } from './context.ts';
import { num, obj, optStr, str } from './read.ts';

const FIELDPATH_RE = /spec\.(?:initContainers|containers|ephemeralContainers)\{([^}]+)\}/;

export function normalizeEvent(v: unknown): EventCtx | undefined {
  const e = obj(v);
  const io = obj(e.involvedObject ?? e.regarding);
  const reason = str(e.reason);
  const message = str(e.message ?? e.note);
  if (reason === '' && message === '') return undefined;
  const fieldPath = str(io.fieldPath);
  const m = FIELDPATH_RE.exec(fieldPath);
  const count = num(e.count) ?? num(e.deprecatedCount) ?? num(obj(e.series).count) ?? 1;
  return {
    reason,
    message,
    type: str(e.type),
    count,
    fieldPath,
    container: m?.[1] ?? /^Container (\S+) (?:failed (?:liveness|startup) probe|definition changed)/.exec(message)?.[1],
    kind: str(io.kind),
    firstTimestamp: optStr(e.firstTimestamp) ?? optStr(e.deprecatedFirstTimestamp) ?? optStr(e.eventTime),
    lastTimestamp: optStr(e.lastTimestamp) ?? optStr(e.deprecatedLastTimestamp) ?? optStr(obj(e.series).lastObservedTime) ?? optStr(e.eventTime),
  };
}

const CONTAINER_EVENT = /^(?:Unhealthy|Killing|BackOff|Failed|Pulling|Pulled|Created|Started|InspectFailed|ErrImageNeverPull)$/;

/** Events transcribed without involvedObject.fieldPath: name the container from the message
 *  ("container=api", "Container api failed …", 'image "x"'), or the only main container. */
export function attributeEvents(events: EventCtx[], containers: ContainerCtx[]): void {
  const mains = containers.filter((c) => c.type === 'main');
  for (const e of events) {
    if (e.container !== undefined || e.kind === 'Node' || !CONTAINER_EVENT.test(e.reason)) continue;
    const named = containers.find((c) => new RegExp(`(?:container[= ]"?|[Cc]ontainer )${c.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(e.message))
      ?? containers.find((c) => c.image !== undefined && e.message.includes(`"${c.image}"`));
    const target = named ?? (mains.length === 1 ? mains[0] : undefined);
    if (target) {
      e.container = target.name;
      target.events.push(e);
    }
  }
}

