// Who may run which class of report action, per namespace. Subjects are Slack user ids (U…/W…),
// user-group ids (S…) or "*" (everyone in the channel). Safe default: read for everyone, debug and
// write for nobody until a rule grants them.
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ActionClass } from '../actions/types.ts';

export interface PolicyRule {
  /** Namespace globs (`*` and `?`), e.g. ["payments-*", "default"]. */
  namespaces: string[];
  read?: string[];
  debug?: string[];
  write?: string[];
}

/**
 * Optional Kubernetes identity mode: each action is also checked with a SubjectAccessReview for the
 * Slack user's Kubernetes identity and executed impersonating it, so cluster RBAC has the last word.
 */
export interface KubernetesIdentity {
  /** `email`: the Slack profile email (users:read.email scope); `id`: the Slack user id. */
  userFrom: 'email' | 'id';
  /** Prepended to the user name, e.g. "slack:". */
  userPrefix: string;
  /** Groups sent with the user (SubjectAccessReview and Impersonate-Group). */
  groups: string[];
}

export interface Policy {
  rules: PolicyRule[];
  /** Who may read (logs) where no rule names the namespace. Default ["*"]. */
  defaultRead: string[];
  kubernetes?: KubernetesIdentity;
}

export const DEFAULT_POLICY: Policy = { rules: [], defaultRead: ['*'] };

const subject = z.string().regex(/^(\*|[UWS][A-Z0-9]{2,})$/, 'a Slack user id (U…/W…), a user-group id (S…) or "*"');
const ruleSchema = z.object({
  namespaces: z.array(z.string().min(1)).min(1),
  read: z.array(subject).optional(),
  debug: z.array(subject).optional(),
  write: z.array(subject).optional(),
}).strict();
const identitySchema = z.object({
  userFrom: z.enum(['email', 'id']).default('email'),
  userPrefix: z.string().default(''),
  groups: z.array(z.string().min(1)).default([]),
}).strict();
const policySchema = z.object({
  rules: z.array(ruleSchema).default([]),
  defaultRead: z.array(subject).default(['*']),
  kubernetes: identitySchema.optional(),
}).strict();

export class PolicyError extends Error {
  override name = 'PolicyError';
}

/** Parses the actions policy (YAML or JSON text); throws PolicyError listing every problem. */
export function parsePolicy(yamlText: string): Policy {
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (err) {
    throw new PolicyError(`The actions policy is not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (raw === null || raw === undefined) return DEFAULT_POLICY;
  const result = policySchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new PolicyError(`The actions policy is invalid:\n- ${problems.join('\n- ')}\nSee docs/actions.md for the format.`);
  }
  const { kubernetes, ...rest } = result.data;
  return kubernetes === undefined ? rest : { ...rest, kubernetes };
}

export function globMatch(glob: string, value: string): boolean {
  const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(value);
}

export interface Principal {
  userId: string;
  /** Slack user-group ids the user belongs to. */
  groupIds: string[];
}

export type Decision = { allowed: true; via: string } | { allowed: false; reason: string };

function matches(subjects: string[] | undefined, who: Principal): string | undefined {
  for (const s of subjects ?? []) {
    if (s === '*' || s === who.userId || who.groupIds.includes(s)) return s;
  }
  return undefined;
}

const HOW_TO_ENABLE =
  'Ask an admin to grant it in the actions policy (the file named by CRASHLOOP_POLICY_FILE, or ACTIONS_POLICY), e.g.\n' +
  '```rules:\n  - namespaces: ["<namespace>"]\n    <class>: ["<your user id or group id>"]```';

/** Decides whether a user may run an action of `actionClass` in `namespace`. */
export function authorize(policy: Policy, who: Principal, namespace: string, actionClass: ActionClass): Decision {
  const applicable = policy.rules.filter((r) => r.namespaces.some((g) => globMatch(g, namespace)));
  for (const rule of applicable) {
    const hit = matches(rule[actionClass], who);
    if (hit !== undefined) return { allowed: true, via: `${actionClass} rule for ${rule.namespaces.join(',')} (${hit})` };
  }
  if (actionClass === 'read') {
    const hit = matches(policy.defaultRead, who);
    if (hit !== undefined) return { allowed: true, via: `default read (${hit})` };
  }
  const what = actionClass === 'read' ? 'read logs' : actionClass === 'debug' ? 'run debug actions (debug copy, sleep override)' : 'run write actions (rollback, revert, delete)';
  const granted = applicable.some((r) => (r[actionClass] ?? []).length > 0);
  const why = granted
    ? ' Only the users and groups the actions policy names for this namespace have that right.'
    : actionClass === 'read'
      ? ''
      : ` ${actionClass[0]?.toUpperCase()}${actionClass.slice(1)} actions are off in this namespace until the actions policy grants them.`;
  const fix = HOW_TO_ENABLE.replace('<namespace>', namespace).replace('<class>', actionClass).replace('<your user id or group id>', who.userId);
  return { allowed: false, reason: `may not ${what} in namespace ${namespace}.${why} ${fix}` };
}
