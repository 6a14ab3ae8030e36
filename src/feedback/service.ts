// The "Wrong diagnosis?" loop between Slack and Redis. open(): a click on the report's button → the
// state (bound to its message), the clicker's right (class read, decided now from the policy), the
// report's kept snapshot → a modal. submit(): the modal's Save → the same checks again → the label is
// stored once per report with the redacted snapshot and the engine's answer → audited (log line, the
// `<prefix>:audit` stream, and a line in the report's thread).
import { redactText } from '../../diagnostics/redact.ts';
import { authorize, DEFAULT_POLICY, type Policy } from '../auth/policy.ts';
import type { PrincipalLookup } from '../auth/principal.ts';
import { BINDING_REFUSED, checkBinding, type ActionState, type ActionStateStore } from '../slack/action-state.ts';
import type { RenderedMessage } from '../slack/render/report.ts';
import { code, mrkdwn, text, userMention, type Mrkdwn } from '../slack/mrkdwn.ts';
import { withTimeout } from '../queue/with-timeout.ts';
import type { FeedbackAudit, FeedbackAuditEntry } from './audit.ts';
import { feedbackAuditMessage, feedbackModal, INPUTS, noticeModal, type ModalView } from './render.ts';
import { encodeMetadata, type FeedbackClick, type FeedbackSubmission } from './requests.ts';
import type { FeedbackStore } from './store.ts';
import { FEEDBACK_CLASS, isCauseId, type FeedbackItem, type ReportSnapshot } from './types.ts';

export interface FeedbackDeps {
  states: Pick<ActionStateStore, 'load'>;
  store: Pick<FeedbackStore, 'loadSnapshot' | 'record' | 'loadItem' | 'limits'>;
  /** The ts of a message the outbox posted under `key` (report buttons are bound by outbox key). */
  messageTsOf: (key: string) => Promise<string | undefined>;
  openView: (triggerId: string, view: ModalView) => Promise<void>;
  postThreadReply: (key: string, target: { channel: string; threadTs: string }, message: RenderedMessage) => Promise<unknown>;
  audit: FeedbackAudit;
  policy?: Policy;
  principal?: PrincipalLookup;
  now?: () => Date;
  log?: (message: string, error?: unknown) => void;
  /** Budget for the Redis work before Slack's 3 s are up (default 2 s). */
  timeoutMs?: number;
}

/** What to tell the clicker ephemerally, when the modal does not open. */
export type OpenResult = { opened: true } | { opened: false; message: Mrkdwn };

/** The view_submission's ack: close the modal, show errors on its inputs, or replace it with a notice. */
export type SubmitAck = undefined | { response_action: 'errors'; errors: Record<string, string> } | { response_action: 'update'; view: ModalView };

const EXPIRED = text('This report is too old to be labelled: its buttons and snapshot are kept for 24 hours. Run `/crashloop <namespace>/<pod>` again for a fresh report.');

export function createFeedbackService(deps: FeedbackDeps) {
  const policy = deps.policy ?? DEFAULT_POLICY;
  const now = deps.now ?? (() => new Date());
  const timeoutMs = deps.timeoutMs ?? 2000;

  async function audit(entry: Omit<FeedbackAuditEntry, 'at'>): Promise<void> {
    await deps.audit({ at: now().toISOString(), ...entry }).catch((error: unknown) => deps.log?.('feedback: could not record the audit entry', error));
  }

  function scope(state: ActionState): Pick<FeedbackAuditEntry, 'cluster' | 'namespace' | 'pod'> {
    return { cluster: state.cluster, namespace: state.namespace, pod: state.pod };
  }

  /** State, binding and right: the checks both steps make. A string is the refusal to say. */
  async function check(userId: string, teamId: string | undefined, where: { stateId: string; channel: string; messageTs: string }): Promise<{ state: ActionState } | { refusal: Mrkdwn; outcome: 'expired' | 'denied'; state?: ActionState }> {
    const state = await deps.states.load(where.stateId);
    if (state === undefined) return { refusal: EXPIRED, outcome: 'expired' };
    const mismatch = await checkBinding(state, { channel: where.channel, messageTs: where.messageTs, teamId }, deps.messageTsOf);
    if (mismatch !== undefined) return { refusal: mrkdwn`${BINDING_REFUSED} (the ${mismatch} differs)`, outcome: 'denied', state };
    const who = deps.principal === undefined ? { userId, groupIds: [] } : await deps.principal(userId);
    const decision = authorize(policy, who, { cluster: state.cluster, namespace: state.namespace }, FEEDBACK_CLASS);
    if (!decision.allowed) return { refusal: mrkdwn`:no_entry: You ${decision.reason} Nothing was stored.`, outcome: 'denied', state };
    return { state };
  }

  function alreadyMarked(item: FeedbackItem): Mrkdwn {
    return mrkdwn`This report was already marked wrong by ${userMention(item.user)} (expected ${code(item.expected.cause)}); one label per report is kept, so nothing more was stored.`;
  }

  async function open(click: FeedbackClick): Promise<OpenResult> {
    const base = { user: click.userId, step: 'open' as const, stateId: click.stateId, channel: click.channel };
    try {
      const checked = await withTimeout(check(click.userId, click.teamId, click), timeoutMs, 'checking the report');
      if ('refusal' in checked) {
        await audit({ ...base, ...(checked.state === undefined ? {} : scope(checked.state)), outcome: checked.outcome, message: checked.refusal.text });
        return { opened: false, message: checked.refusal };
      }
      const { state } = checked;
      const existing = await withTimeout(deps.store.loadItem(click.stateId), timeoutMs, 'reading the label');
      if (existing !== undefined) {
        const message = alreadyMarked(existing);
        await audit({ ...base, ...scope(state), outcome: 'duplicate', message: message.text, expected: existing.expected.cause });
        return { opened: false, message };
      }
      const kept = await withTimeout(deps.store.loadSnapshot(click.stateId), timeoutMs, 'reading the snapshot');
      if (kept === undefined) {
        const message = mrkdwn`The snapshot of this report is no longer kept (at most ${deps.store.limits.maxSnapshots} reports, for 24 hours), so it cannot be labelled. Run ${code(`/crashloop ${state.namespace}/${state.pod}`)} again and label the fresh report.`;
        await audit({ ...base, ...scope(state), outcome: 'expired', message: message.text });
        return { opened: false, message };
      }
      const metadata = encodeMetadata({ stateId: click.stateId, channel: click.channel, messageTs: click.messageTs, threadTs: click.threadTs });
      await deps.openView(click.triggerId, feedbackModal({ privateMetadata: metadata, target: `${kept.namespace}/${kept.pod}`, engine: kept.engine, containers: kept.containers }));
      await audit({ ...base, ...scope(state), outcome: 'done', message: 'opened the form', engine: kept.engine.cause });
      return { opened: true };
    } catch (error) {
      deps.log?.('feedback: could not open the form', error);
      const message = text('Sorry, I could not open the form (Redis or Slack did not answer). Try again in a minute.');
      await audit({ ...base, outcome: 'failed', message: message.text });
      return { opened: false, message };
    }
  }

  /** The ack for Slack, then (after the ack) the thread line. */
  async function submit(sub: FeedbackSubmission): Promise<{ ack: SubmitAck; after?: () => Promise<void> }> {
    const where = sub.metadata;
    const base = { user: sub.userId, step: 'submit' as const, stateId: where.stateId, channel: where.channel };
    if (sub.cause === undefined || !isCauseId(sub.cause)) return { ack: { response_action: 'errors', errors: { [INPUTS.cause]: 'Pick a cause id from the list.' } } };
    const cause = sub.cause;
    let kept: ReportSnapshot | undefined;
    let item: FeedbackItem;
    try {
      const checked = await withTimeout(check(sub.userId, sub.teamId, where), timeoutMs, 'checking the report');
      if ('refusal' in checked) {
        await audit({ ...base, ...(checked.state === undefined ? {} : scope(checked.state)), outcome: checked.outcome, message: checked.refusal.text, expected: cause });
        return { ack: { response_action: 'update', view: noticeModal(checked.refusal) } };
      }
      kept = await withTimeout(deps.store.loadSnapshot(where.stateId), timeoutMs, 'reading the snapshot');
      if (kept === undefined) {
        const message = text('The snapshot of this report is no longer kept, so nothing was stored. Run `/crashloop` again and label the fresh report.');
        await audit({ ...base, ...scope(checked.state), outcome: 'expired', message: message.text, expected: cause });
        return { ack: { response_action: 'update', view: noticeModal(message) } };
      }
      const container = kept.containers.length === 0 ? '' : sub.container;
      if (container === undefined || (kept.containers.length > 0 && !kept.containers.includes(container))) {
        return { ack: { response_action: 'errors', errors: { [INPUTS.container]: 'Pick one of the pod\'s containers.' } } };
      }
      const { v: _v, ...rest } = kept;
      item = { ...rest, v: 1, markedAt: now().toISOString(), user: sub.userId, channel: where.channel, threadTs: where.threadTs, expected: { cause, container, note: redactText(sub.note) } };
      const result = await withTimeout(deps.store.record(item), timeoutMs, 'storing the label');
      if (!result.stored) {
        const message = result.existing === undefined ? text('This report was already labelled; nothing more was stored.') : alreadyMarked(result.existing);
        await audit({ ...base, ...scope(checked.state), outcome: 'duplicate', message: message.text, expected: cause, engine: kept.engine.cause });
        return { ack: { response_action: 'update', view: noticeModal(message) } };
      }
    } catch (error) {
      deps.log?.('feedback: could not store the label', error);
      await audit({ ...base, outcome: 'failed', message: 'could not store the label', expected: cause });
      return { ack: { response_action: 'errors', errors: { [INPUTS.cause]: 'Could not save it: Redis did not answer. Try again in a minute.' } } };
    }
    const stored = item;
    const engine = kept.engine;
    return {
      ack: undefined,
      after: async () => {
        const message = `marked this diagnosis wrong: expected ${stored.expected.cause}${stored.expected.container === '' ? '' : ` (container ${stored.expected.container})`}; the report said ${engine.cause}`;
        await audit({ ...base, cluster: stored.cluster, namespace: stored.namespace, pod: stored.pod, outcome: 'done', message, expected: stored.expected.cause, engine: engine.cause });
        try {
          await deps.postThreadReply(`feedback:${stored.id}`, { channel: where.channel, threadTs: where.threadTs }, feedbackAuditMessage(sub.userId, stored.expected, engine));
        } catch (error) {
          deps.log?.('feedback: could not post the audit line in the thread', error);
        }
      },
    };
  }

  return { open, submit };
}

export type FeedbackService = ReturnType<typeof createFeedbackService>;
