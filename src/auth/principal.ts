// The Slack user behind a request, with the user groups the policy may name. Group lookups go to Slack
// (usergroups.list, cached by the port); a slow or failing lookup counts as "no groups": that can only
// deny more, never allow more.
import type { Principal } from './policy.ts';

export type PrincipalLookup = (userId: string) => Promise<Principal>;

export function principalLookup(userGroups: ((userId: string) => Promise<string[]>) | undefined, timeoutMs = 1500): PrincipalLookup {
  return async (userId) => {
    if (userGroups === undefined) return { userId, groupIds: [] };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string[]>((resolve) => {
      timer = setTimeout(() => resolve([]), timeoutMs);
    });
    try {
      const groupIds = await Promise.race([userGroups(userId).catch(() => []), timeout]);
      return { userId, groupIds };
    } finally {
      clearTimeout(timer);
    }
  };
}
