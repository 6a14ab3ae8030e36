// Server-side state behind a button. Button values carry only the opaque id; the state expires with
// the Redis key (24 h), after which the button answers "expired". Redis is a trust boundary: what comes
// back is validated (zod) and bound to the team, channel and message it was made for; what the clicker
// may do with it is decided again from the policy at click time, never from the state.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
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
  /** The workload's revision when the report was made: a rollback or sleep override refuses if it moved. */
  revision?: number;
  /** The command the sleep override's confirm dialog named; the override refuses if the bot's differs. */
  debugCommand?: string;
  /** Where the report is: channel and parent ts. A click from anywhere else is refused. */
  channel: string;
  threadTs?: string;
  /** The message carrying the buttons, once known; a click on another message is refused. */
  messageTs?: string;
  /** The outbox key of the message carrying the buttons (src/slack/outbox.ts): its ts is known once posted. */
  messageKey?: string;
  /** The Slack team (workspace) the buttons were posted for. */
  teamId?: string;
  incident?: IncidentKey;
  /** BullMQ job that produced the report. */
  jobId?: string;
  /** The debug copy a "Delete now" button deletes (set by src/actions). */
  debugPod?: string;
  /** A "Revert anyway" button: revert even though the workload changed after the override. */
  revertAnyway?: boolean;
  createdAt: string;
}

// Kubernetes-name-shaped fields: a tampered value cannot smuggle a path or a selector into an API call.
const dnsName = z.string().min(1).max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
const slackId = z.string().regex(/^[A-Z0-9]{2,}$/);
const slackTs = z.string().regex(/^\d{1,12}\.\d{1,8}$/);
const stateSchema = z
  .object({
    v: z.literal(1),
    cluster: z.string().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/),
    namespace: z.string().min(1).max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
    pod: dnsName,
    container: z.string().min(1).max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).optional(),
    cause: z.string().max(100).optional(),
    workload: z.object({ kind: z.string().regex(/^[A-Za-z]{1,40}$/), name: dnsName }).strict().optional(),
    toRevision: z.number().int().nonnegative().optional(),
    revision: z.number().int().nonnegative().optional(),
    debugCommand: z.string().min(1).max(200).optional(),
    channel: slackId,
    threadTs: slackTs.optional(),
    messageTs: slackTs.optional(),
    messageKey: z.string().min(1).max(300).optional(),
    teamId: slackId.optional(),
    incident: z.object({ cluster: z.string().min(1), namespace: z.string().min(1), workload: z.string().min(1) }).strict().optional(),
    jobId: z.string().max(200).optional(),
    debugPod: dnsName.optional(),
    revertAnyway: z.literal(true).optional(),
    createdAt: z.string().max(40),
  })
  .strict();

/** The state as stored, or undefined when it is not valid JSON or not a state this version wrote. */
export function parseActionState(raw: string): ActionState | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const result = stateSchema.safeParse(parsed);
  if (!result.success) return undefined;
  // exactOptionalPropertyTypes: drop keys zod reports as undefined.
  return Object.fromEntries(Object.entries(result.data).filter(([, v]) => v !== undefined)) as unknown as ActionState;
}

/** Where a click came from, as Slack (signed) says. */
export interface ClickOrigin {
  channel: string;
  messageTs: string;
  teamId?: string | undefined;
}

/**
 * bindingMismatch for a state bound by outbox key: the message's ts is looked up (a message not yet posted
 * cannot have been clicked).
 */
export async function checkBinding(state: ActionState, click: ClickOrigin, messageTsOf?: (key: string) => Promise<string | undefined>): Promise<string | undefined> {
  if (state.messageTs !== undefined || state.messageKey === undefined || messageTsOf === undefined) return bindingMismatch(state, click);
  const ts = await messageTsOf(state.messageKey);
  return ts === undefined ? 'message' : bindingMismatch({ ...state, messageTs: ts }, click);
}

/** Why a click may not use this state (it was made for another team, channel or message), or undefined. */
export function bindingMismatch(state: ActionState, click: ClickOrigin): string | undefined {
  if (state.teamId !== undefined && state.teamId !== click.teamId) return 'workspace';
  if (state.channel !== click.channel) return 'channel';
  if (state.messageTs !== undefined && state.messageTs !== click.messageTs) return 'message';
  return undefined;
}

export const BINDING_REFUSED =
  'this button does not belong to this message, so nothing was done. Use the buttons on the report itself, or run `/crashloop <namespace>/<pod>` again.';

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

  /** The state, or undefined when the id is unknown, expired, or what Redis holds is not a valid state. */
  async load(id: string): Promise<ActionState | undefined> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return undefined;
    const raw = await this.redis.get(this.key(id));
    if (raw === null) return undefined;
    return parseActionState(raw);
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
