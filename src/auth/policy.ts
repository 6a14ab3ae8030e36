// Who may do what, per cluster and namespace. Subjects are Slack user ids (U…/W…), user-group ids (S…)
// or "*" (everyone in the channel). Every path that reveals cluster data or acts asks `authorize` (or
// `authorizeReport` for where a report may be posted): the slash command, the Diagnose button, the
// report actions and the diagnosis worker, which re-decides at processing time.
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ActionClass } from '../actions/types.ts';

export interface PolicyRule {
  /** Namespace globs (`*` and `?`), e.g. ["payments-*", "default"]. */
  namespaces: string[];
  /** Cluster globs; absent = every cluster. */
  clusters?: string[];
  read?: string[];
  debug?: string[];
  write?: string[];
  /** Slack channel ids where reports about these namespaces may be posted; absent = no restriction. */
  channels?: string[];
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
  /** Who may read where no matching rule sets `read`. Default ["*"]. */
  defaultRead: string[];
  kubernetes?: KubernetesIdentity;
}

export const DEFAULT_POLICY: Policy = { rules: [], defaultRead: ['*'] };

/** Where an action or a report points: both are needed, a rule may name either. */
export interface Scope {
  cluster: string;
  namespace: string;
}

const subject = z.string().regex(/^(\*|[UWS][A-Z0-9]{2,})$/, 'a Slack user id (U…/W…), a user-group id (S…) or "*"');
// Namespace and cluster globs are short and plain, so matching them is cheap and a typo is caught here.
const namespaceGlob = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9*?][a-z0-9.*?-]*$/, 'a namespace glob (lower-case letters, digits, "-", "*", "?"); name clusters under `clusters:`, not as "cluster/namespace"');
const clusterGlob = z.string().min(1).max(100).regex(/^[A-Za-z0-9*?][A-Za-z0-9_.*?-]*$/, 'a cluster name glob (letters, digits, ".", "_", "-", "*", "?")');
const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'a Slack channel id such as C0123ABCD');
const ruleSchema = z
  .object({
    namespaces: z.array(namespaceGlob).min(1),
    clusters: z.array(clusterGlob).min(1).optional(),
    read: z.array(subject).optional(),
    debug: z.array(subject).optional(),
    write: z.array(subject).optional(),
    channels: z.array(channelId).min(1).optional(),
  })
  .strict();
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
  const { kubernetes, rules, ...rest } = result.data;
  const clean = rules.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as unknown as PolicyRule);
  return kubernetes === undefined ? { ...rest, rules: clean } : { ...rest, rules: clean, kubernetes };
}

export function globMatch(glob: string, value: string): boolean {
  const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*+/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(value);
}

export interface Principal {
  userId: string;
  /** Slack user-group ids the user belongs to. */
  groupIds: string[];
}

export type Decision = { allowed: true; via: string } | { allowed: false; reason: string };

/**
 * True when some subject of the policy is a Slack user group (S…). Only then can a user's groups change a
 * decision, so only then is looking them up in Slack (a Web API call on the ack path) worth its time.
 */
export function policyNamesGroups(policy: Policy): boolean {
  const isGroup = (s: string): boolean => s.startsWith('S');
  return policy.defaultRead.some(isGroup) || policy.rules.some((r) => [r.read, r.debug, r.write].some((list) => list?.some(isGroup) === true));
}

/** The rules that speak about a cluster and namespace. */
export function rulesFor(policy: Policy, scope: Scope): PolicyRule[] {
  return policy.rules.filter((r) => r.namespaces.some((g) => globMatch(g, scope.namespace)) && (r.clusters === undefined || r.clusters.some((g) => globMatch(g, scope.cluster))));
}

function matches(subjects: string[] | undefined, who: Principal): string | undefined {
  for (const s of subjects ?? []) {
    if (s === '*' || s === who.userId || who.groupIds.includes(s)) return s;
  }
  return undefined;
}

/**
 * Who holds a class in a scope. A matching rule that sets the class (even to []) replaces the default
 * there: `read: ["S0SRE"]` on kube-system means only that group reads kube-system, whatever
 * `defaultRead` says. Without such a rule, read falls back to `defaultRead`, debug and write to nobody.
 */
export function holders(policy: Policy, scope: Scope, actionClass: ActionClass): { subjects: string[]; from: 'rules' | 'default'; rules: PolicyRule[] } {
  const rules = rulesFor(policy, scope).filter((r) => r[actionClass] !== undefined);
  if (rules.length > 0) return { subjects: rules.flatMap((r) => r[actionClass] ?? []), from: 'rules', rules };
  return { subjects: actionClass === 'read' ? policy.defaultRead : [], from: 'default', rules: [] };
}

const HOW_TO_ENABLE =
  'Ask an admin to grant it in the actions policy (the file named by CRASHLOOP_POLICY_FILE, or ACTIONS_POLICY), e.g.\n' +
  '```rules:\n  - namespaces: ["<namespace>"]\n    <class>: ["<your user id or group id>"]```';

function where(scope: Scope): string {
  return `namespace ${scope.namespace} (cluster ${scope.cluster})`;
}

/** Decides whether a user may act with `actionClass` (read = see logs and reports) in a cluster's namespace. */
export function authorize(policy: Policy, who: Principal, scope: Scope, actionClass: ActionClass): Decision {
  const held = holders(policy, scope, actionClass);
  for (const rule of held.rules) {
    const hit = matches(rule[actionClass], who);
    if (hit !== undefined) return { allowed: true, via: `${actionClass} rule for ${rule.namespaces.join(',')}${rule.clusters === undefined ? '' : ` in ${rule.clusters.join(',')}`} (${hit})` };
  }
  if (held.from === 'default') {
    const hit = matches(held.subjects, who);
    if (hit !== undefined) return { allowed: true, via: `default read (${hit})` };
  }
  const what = actionClass === 'read' ? 'see pods, logs or reports' : actionClass === 'debug' ? 'run debug actions (debug copy, ephemeral container)' : 'run write actions (sleep override, revert, rollback, delete)';
  const why =
    held.subjects.length > 0
      ? ' Only the users and groups the actions policy names for this namespace have that right.'
      : ` ${actionClass[0]?.toUpperCase()}${actionClass.slice(1)} ${actionClass === 'read' ? 'access is' : 'actions are'} off in this namespace until the actions policy grants ${actionClass === 'read' ? 'it' : 'them'}.`;
  const fix = HOW_TO_ENABLE.replace('<namespace>', scope.namespace).replace('<class>', actionClass).replace('<your user id or group id>', who.userId);
  return { allowed: false, reason: `may not ${what} in ${where(scope)}.${why} ${fix}` };
}

/**
 * May a report about `scope` be posted in `channel`? Everyone in a channel sees what is posted there.
 * - A matching rule with `channels` limits every report about its namespaces to those channels.
 * - A report someone asked for (`requester`) needs that person's read right; they chose the channel.
 * - A report nobody asked for (an alert) needs read for everyone ("*") there, or a matching rule that
 *   lists the channel under `channels`.
 */
export function authorizeReport(policy: Policy, scope: Scope, channel: string, requester?: Principal): Decision {
  const listing = rulesFor(policy, scope).filter((r) => r.channels !== undefined);
  const allowedChannels = listing.flatMap((r) => r.channels ?? []);
  if (listing.length > 0 && !allowedChannels.includes(channel)) {
    return { allowed: false, reason: `Reports about ${where(scope)} may only be posted in ${allowedChannels.join(', ')} (the \`channels\` of the actions policy), not in this channel. Run the command there, or ask an admin to add this channel.` };
  }
  if (requester !== undefined) return authorize(policy, requester, scope, 'read');
  if (listing.length > 0) return { allowed: true, via: `channels rule (${channel})` };
  if (holders(policy, scope, 'read').subjects.includes('*')) return { allowed: true, via: 'read for everyone' };
  return {
    allowed: false,
    reason: `The report about ${where(scope)} was withheld from this channel: the actions policy does not let everyone read that namespace. Add the channel to a rule for it (\`channels: ["${channel}"]\`) or run \`/crashloop\` as someone who may read it.`,
  };
}
