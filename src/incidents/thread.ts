// The incident's parent message, created exactly once even when webhooks (or a worker) race for it:
// the first caller wins an atomic Redis claim (SET NX) and posts; the others use the stored ts.
import { randomUUID } from 'node:crypto';
import type { IncidentKey } from '../queue/types.ts';
import type { IncidentNotifier } from './notifier.ts';
import type { IncidentStore } from './store.ts';
import type { SlackText } from '../slack/mrkdwn.ts';

export interface EnsureParentOptions {
  /** How long a caller that lost the claim waits for the winner's ts (polling). Default 0: don't wait. */
  waitMs?: number;
  pollMs?: number;
}

export type EnsureParentResult =
  | { kind: 'existing'; ts: string }
  | { kind: 'posted'; ts: string }
  /** Someone else holds the claim and has not stored a ts (yet). */
  | { kind: 'pending' };

export async function ensureParent(
  store: IncidentStore,
  notifier: IncidentNotifier,
  key: IncidentKey,
  message: { channel: string; text: SlackText },
  options: EnsureParentOptions = {},
): Promise<EnsureParentResult> {
  const existing = await store.get(key);
  if (existing?.parentTs !== undefined) return { kind: 'existing', ts: existing.parentTs };
  const token = randomUUID();
  if (await store.claimParent(key, token)) {
    try {
      const { ts } = await notifier.post(message);
      await store.setParentTs(key, ts);
      return { kind: 'posted', ts };
    } catch (error) {
      await store.releaseParentClaim(key, token).catch(() => undefined);
      throw error;
    }
  }
  const waitMs = options.waitMs ?? 0;
  const pollMs = options.pollMs ?? 200;
  for (let waited = 0; waited < waitMs; waited += pollMs) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    const incident = await store.get(key);
    if (incident?.parentTs !== undefined) return { kind: 'existing', ts: incident.parentTs };
  }
  return { kind: 'pending' };
}

/**
 * For the worker posting a report: the thread to post into. Uses the job's threadTs, else the stored
 * parent, else waits briefly for a webhook that is posting it, else opens the parent itself.
 */
export async function threadForReport(
  store: IncidentStore,
  notifier: IncidentNotifier,
  key: IncidentKey,
  fallback: { channel: string; text: SlackText },
  threadTs?: string,
): Promise<string | undefined> {
  if (threadTs !== undefined) return threadTs;
  const result = await ensureParent(store, notifier, key, fallback, { waitMs: 5_000 });
  return result.kind === 'pending' ? undefined : result.ts;
}
