// The Kubernetes side of the optional identity mode: which API call an action makes (for the
// SubjectAccessReview) and who the Slack user is in Kubernetes (for the review and impersonation).
import type { ActionId } from '../actions/types.ts';
import { ACTION_IDS } from '../actions/types.ts';
import type { KubernetesIdentity } from './policy.ts';

export interface ResourceAttributes {
  namespace: string;
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  name?: string;
}

export interface KubeUser {
  user: string;
  groups: string[];
}

const PLURAL: Record<string, string> = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' };

/** The decisive write (or read) of an action, as RBAC sees it. */
export function attributesFor(actionId: ActionId, target: { namespace: string; pod: string; workload?: { kind: string; name: string }; debugPod?: string }): ResourceAttributes {
  const ns = target.namespace;
  const workload = (verb: string): ResourceAttributes => ({ namespace: ns, verb, group: 'apps', resource: PLURAL[target.workload?.kind ?? ''] ?? 'deployments', ...(target.workload === undefined ? {} : { name: target.workload.name }) });
  switch (actionId) {
    case ACTION_IDS.rolloutUndo:
    case ACTION_IDS.sleepOverride:
    case ACTION_IDS.sleepRevert:
      return workload('patch');
    case ACTION_IDS.debugCopy:
      return { namespace: ns, verb: 'create', group: '', resource: 'pods' };
    case ACTION_IDS.debugDelete:
      return { namespace: ns, verb: 'delete', group: '', resource: 'pods', ...(target.debugPod === undefined ? {} : { name: target.debugPod }) };
    case ACTION_IDS.debugEphemeral:
      return { namespace: ns, verb: 'patch', group: '', resource: 'pods', subresource: 'ephemeralcontainers', name: target.pod };
    default:
      return { namespace: ns, verb: 'get', group: '', resource: 'pods', subresource: 'log', name: target.pod };
  }
}

/** The Kubernetes user of a Slack user, or a reason why there is none. */
export function kubeUserFor(identity: KubernetesIdentity, slackUserId: string, email: string | undefined): KubeUser | { error: string } {
  const base = identity.userFrom === 'id' ? slackUserId : email;
  if (base === undefined || base === '') {
    return { error: 'your Slack profile has no email the bot can read (needs the users:read.email scope), so it cannot map you to a Kubernetes user' };
  }
  return { user: `${identity.userPrefix}${base}`, groups: identity.groups };
}

export function describeAttributes(a: ResourceAttributes): string {
  const resource = `${a.resource}${a.subresource === undefined ? '' : `/${a.subresource}`}`;
  return `${a.verb} ${a.group === '' ? '' : `${a.group}/`}${resource}${a.name === undefined ? '' : ` ${a.name}`} in namespace ${a.namespace}`;
}
