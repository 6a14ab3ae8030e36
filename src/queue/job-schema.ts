// Job data comes back from Redis, which any client with its password (or any pod, without one) can
// write: validate it before acting. What a job may touch is decided by the worker from its own config
// and the policy, never from the job: a legacy `allowedNamespaces` in a job is accepted and ignored.
import { z } from 'zod';
import type { DiagnosisJobData } from './types.ts';

const slackId = z.string().regex(/^[A-Z0-9]{2,}$/);
const slackTs = z.string().regex(/^\d{1,12}\.\d{1,8}$/);
const kubeName = z.string().min(1).max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);

const jobSchema = z.object({
  v: z.literal(1),
  cluster: z.string().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/),
  target: z.object({
    text: z.string().max(300),
    namespace: kubeName.optional(),
    fallback: z.string().max(300).optional(),
  }),
  origin: z.enum(['slash-command', 'alertmanager', 'button']),
  reply: z.object({
    channel: slackId,
    threadTs: slackTs.optional(),
    userId: slackId.optional(),
    teamId: slackId.optional(),
    // Checked again against Slack's hosts before use (see isSlackResponseUrl).
    responseUrl: z.url({ protocol: /^https?$/ }).optional(),
  }),
  incident: z.object({ cluster: z.string().min(1), namespace: kubeName, workload: z.string().min(1).max(300) }).optional(),
  requestedBy: z.string().max(200).optional(),
  requestedAt: z.string().max(40),
  mode: z.enum(['diagnose', 'list']).optional(),
  allowedNamespaces: z.array(z.string()).optional(),
});

export type ValidJob = { ok: true; data: DiagnosisJobData } | { ok: false; problems: string };

/** The job's data if it is well-formed, without any `allowedNamespaces` it carried. */
export function validateJobData(raw: unknown): ValidJob {
  const result = jobSchema.safeParse(raw);
  if (!result.success) return { ok: false, problems: result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
  const { allowedNamespaces: _ignored, ...data } = result.data;
  return { ok: true, data: stripUndefined(data) as DiagnosisJobData };
}

function stripUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripUndefined);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, stripUndefined(v)]));
  return value;
}

/**
 * True for Slack's response URLs (https://hooks.slack.com/…) or URLs on the configured Slack API host
 * (a local Slack in tests): a tampered job must not make the worker post a pod list anywhere else.
 */
export function isSlackResponseUrl(url: string, slackApiUrl: string = 'https://slack.com/api/'): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'https:' && parsed.hostname === 'hooks.slack.com') return true;
  try {
    return parsed.origin === new URL(slackApiUrl).origin;
  } catch {
    return false;
  }
}
