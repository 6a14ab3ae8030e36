// Server-side state behind a button. Button values carry only the opaque id; the state expires with
// the Redis key (24 h), after which the button answers "expired".
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { IncidentKey } from '../queue/types.ts';

export const ACTION_STATE_TTL_SECONDS = 24 * 60 * 60;

export interface ActionState {
  v: 1;
  cluster: string;
  namespace: string;
  pod: string;
  /** The failing container of the primary finding. */
  container?: string;
  cause?: string;
  /** Owning workload, nearest-controller first, e.g. { kind: 'Deployment', name: 'api' }. */
  workload?: { kind: string; name: string };
  /** Suggested rollback target. */
  toRevision?: number;
  /** Where the report is: channel and parent ts. */
  channel: string;
  threadTs?: string;
  incident?: IncidentKey;
  /** BullMQ job that produced the report. */
  jobId?: string;
  /** The debug copy a "Delete now" button deletes (set by src/actions). */
  debugPod?: string;
  createdAt: string;
}

export class ActionStateStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly ttlSeconds: number;

  constructor(redis: Redis, options: { prefix?: string; ttlSeconds?: number } = {}) {
    this.redis = redis;
    this.prefix = options.prefix ?? 'crashloop';
    this.ttlSeconds = options.ttlSeconds ?? ACTION_STATE_TTL_SECONDS;
  }

  private key(id: string): string {
    return `${this.prefix}:action-state:${id}`;
  }

  /** Stores the state and returns its opaque id (22 url-safe characters). */
  async save(state: ActionState): Promise<string> {
    const id = randomBytes(16).toString('base64url');
    await this.redis.set(this.key(id), JSON.stringify(state), 'EX', this.ttlSeconds);
    return id;
  }

  /** The state, or undefined when the id is unknown or expired. */
  async load(id: string): Promise<ActionState | undefined> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return undefined;
    const raw = await this.redis.get(this.key(id));
    if (raw === null) return undefined;
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || (parsed as { v?: unknown }).v !== 1) return undefined;
    return parsed as ActionState;
  }

  /** Replaces the state behind an existing id, keeping its expiry (e.g. to add the report's ts). */
  async update(id: string, state: ActionState): Promise<boolean> {
    const result = await this.redis.set(this.key(id), JSON.stringify(state), 'KEEPTTL', 'XX');
    return result === 'OK';
  }

  /** Seconds left before the state expires (-2 when gone). */
  async ttl(id: string): Promise<number> {
    return this.redis.ttl(this.key(id));
  }
}
