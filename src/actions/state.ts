// Server-side state behind a button: the button's value is only an opaque id. Written when a report (or
// an action's follow-up message) is posted, read when the button is clicked; expires after 24 h.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RollbackKind } from './rollback/plan-rollback.ts';

export const DEFAULT_BUTTON_TTL_MS = 24 * 60 * 60 * 1000;

export interface ActionState {
  v: 1;
  cluster: string;
  namespace: string;
  pod: string;
  /** The failing container (init containers included). */
  container?: string;
  /** Every container of the pod, init first, for the "which container?" choice. */
  containers?: string[];
  /** The owning workload, for rollback and the sleep override. */
  workload?: { kind: RollbackKind; name: string };
  /** Rollback target; 0 or absent = previous revision (kubectl's default). */
  toRevision?: number;
  /** incidentId(...) of the report, recorded on debug copies and in the audit. */
  incident?: string;
  /** The debug copy a "Delete now" button deletes. */
  debugPod?: string;
  /** Set on the second-step button of a two-step action (preview, then confirm). */
  confirmed?: boolean;
  /** ISO time; the button is refused after it. */
  expiresAt: string;
}

export interface StateStore {
  save(state: Omit<ActionState, 'v' | 'expiresAt'>, ttlMs?: number): Promise<string>;
  /** null when unknown or expired. */
  load(stateId: string): Promise<ActionState | null>;
}

export function createStateStore(redis: Redis, options: { prefix?: string; now?: () => Date; ttlMs?: number } = {}): StateStore {
  const prefix = options.prefix ?? 'crashloop';
  const now = options.now ?? (() => new Date());
  const defaultTtl = options.ttlMs ?? DEFAULT_BUTTON_TTL_MS;
  const key = (id: string): string => `${prefix}:action-state:${id}`;
  return {
    async save(state, ttlMs = defaultTtl) {
      const id = randomBytes(12).toString('base64url');
      const full: ActionState = { ...state, v: 1, expiresAt: new Date(now().getTime() + ttlMs).toISOString() };
      await redis.set(key(id), JSON.stringify(full), 'PX', ttlMs);
      return id;
    },
    async load(stateId) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(stateId)) return null;
      const raw = await redis.get(key(stateId));
      if (raw === null) return null;
      const state = JSON.parse(raw) as ActionState;
      // Redis expiry is the primary clock; the stored time also guards against an injected clock moving on.
      if (Date.parse(state.expiresAt) <= now().getTime()) return null;
      return state;
    },
  };
}
