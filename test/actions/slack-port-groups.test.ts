// User-group lookups (usergroups.list) through the real WebClient against the local Slack Web API
// server: a burst of lookups makes one call, and a failed one (no usergroups:read scope) is remembered
// instead of being retried for every request. Which policies need the lookup at all: policyNamesGroups.
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackFromWebClient } from '../../src/actions/slack-port.ts';
import { parsePolicy, policyNamesGroups } from '../../src/auth/policy.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
});

const client = () => new WebClient('xoxb-test-groups', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
const listCalls = () => slack.calls.filter((c) => c.method === 'usergroups.list').length;

describe('userGroups', () => {
  it('shares one usergroups.list among concurrent lookups and remembers a failure', async () => {
    let clock = 1_000_000;
    const port = slackFromWebClient(client(), undefined, { now: () => clock });
    const before = listCalls();
    // The local server answers usergroups.list with unknown_method: the "missing scope" case.
    const groups = await Promise.all(Array.from({ length: 20 }, (_, i) => port.userGroups(`U0USER${i}`)));
    expect(groups.every((g) => g.length === 0)).toBe(true);
    expect(listCalls() - before).toBe(1);
    await port.userGroups('U0USER1');
    expect(listCalls() - before).toBe(1);
    // A minute later the lookup is tried again.
    clock += 61_000;
    await port.userGroups('U0USER1');
    expect(listCalls() - before).toBe(2);
  });
});

describe('policyNamesGroups', () => {
  it('is true only when a subject is a user group', () => {
    expect(policyNamesGroups(parsePolicy(''))).toBe(false);
    expect(policyNamesGroups(parsePolicy('rules:\n  - namespaces: ["shop"]\n    write: ["U0ALICE", "*"]\n'))).toBe(false);
    expect(policyNamesGroups(parsePolicy('rules:\n  - namespaces: ["shop"]\n    debug: ["S0SRE"]\n'))).toBe(true);
    expect(policyNamesGroups(parsePolicy('defaultRead: ["S0ALL"]\n'))).toBe(true);
  });
});
