// The Alertmanager webhook payload (version 4), validated with zod. Unknown fields are ignored so a
// newer Alertmanager that adds fields keeps working; missing or mistyped fields are a 400.
import { z } from 'zod';

const labelSet = z.record(z.string(), z.string());

export const alertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet,
  annotations: labelSet.default({}),
  startsAt: z.string(),
  endsAt: z.string().default(''),
  generatorURL: z.string().default(''),
  fingerprint: z.string().min(1),
});

export const webhookSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labelSet.default({}),
  commonLabels: labelSet.default({}),
  commonAnnotations: labelSet.default({}),
  externalURL: z.string().default(''),
  alerts: z.array(alertSchema),
});

export type WebhookAlert = z.infer<typeof alertSchema>;
export type WebhookPayload = z.infer<typeof webhookSchema>;

export type ParseResult = { ok: true; payload: WebhookPayload } | { ok: false; error: string };

/** Validates a parsed JSON body; the error names each bad field in plain words. */
export function parseWebhook(body: unknown): ParseResult {
  const result = webhookSchema.safeParse(body);
  if (result.success) return { ok: true, payload: result.data };
  const problems = result.error.issues.slice(0, 10).map((issue) => {
    const where = issue.path.length === 0 ? 'the body' : issue.path.map(String).join('.');
    return `${where}: ${issue.message}`;
  });
  const more = result.error.issues.length > 10 ? ` (and ${result.error.issues.length - 10} more)` : '';
  return {
    ok: false,
    error: `Not an Alertmanager webhook (version 4) payload: ${problems.join('; ')}${more}.`,
  };
}
