// The YAML shape of an operator rule pack (docs/rule-packs.md), validated with zod. Strict: an unknown key is an
// error (a misspelt `containres:` would otherwise silently widen a rule).
import { z } from 'zod';
import { CAUSE_IDS } from '../../diagnostics/types.ts';

const PACK_CAUSES = CAUSE_IDS.filter((c) => c !== 'unknown');
const NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const PLACEHOLDERS = ['{pod}', '{namespace}', '{container}', '{workload}'];

const glob = z.string().min(1, 'must not be empty').max(253, 'is longer than 253 characters')
  .refine((g) => (g.match(/\*/g) ?? []).length <= 4, 'may hold at most four "*"');

export const commandSchema = z.strictObject({
  description: z.string().min(1, 'must not be empty').max(200, 'is longer than 200 characters'),
  argv: z.array(z.string().max(300, 'an argument is longer than 300 characters')).min(2, 'needs at least the program and one argument').max(30, 'has more than 30 arguments')
    .refine((a) => a[0] === 'kubectl', { message: `must start with "kubectl" (packs suggest kubectl commands only; placeholders: ${PLACEHOLDERS.join(' ')})` }),
});

export const matchSchema = z.strictObject({
  substring: z.string().min(3, 'must be at least 3 characters').max(200, 'is longer than 200 characters').optional(),
  regex: z.string().min(1, 'must not be empty').optional(),
  ignoreCase: z.boolean().optional(),
}).refine((m) => m.substring !== undefined || m.regex !== undefined, { message: 'give match.substring, match.regex or both' });

export const ruleSchema = z.strictObject({
  id: z.string().regex(NAME, 'must be lowercase letters, digits and "-" (e.g. ledger-lock-lost), at most 63 characters'),
  cause: z.enum(PACK_CAUSES, { message: `must be a cause id from the taxonomy: ${PACK_CAUSES.join(', ')}` }),
  title: z.string().min(1, 'must not be empty').max(200, 'is longer than 200 characters'),
  match: matchSchema,
  fix: z.string().min(1, 'must not be empty').max(1000, 'is longer than 1000 characters').optional(),
  commands: z.array(commandSchema).max(5, 'at most 5 commands').optional(),
  containers: z.array(glob).min(1).max(20).optional(),
  images: z.array(glob).min(1).max(20).optional(),
});

/** The pack around its rules; each rule is validated on its own (ruleSchema), so one bad rule does not hide the others. */
export const packSchema = z.strictObject({
  name: z.string().regex(NAME, 'must be lowercase letters, digits and "-" (e.g. payments), at most 63 characters'),
  description: z.string().max(1000).optional(),
  rules: z.array(z.unknown()).min(1, 'must hold at least one rule').max(200, 'at most 200 rules per pack'),
});

export type RuleFile = z.infer<typeof ruleSchema>;
