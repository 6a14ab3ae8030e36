// deploy/bot.yaml is accepted by a real API server (server-side dry run, after deploy/rbac.yaml).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kubectl } from '../cluster/harness.ts';

const path = (p: string): string => fileURLToPath(new URL(`../../${p}`, import.meta.url));

describe('deploy/bot.yaml', () => {
  it('passes server-side validation next to deploy/rbac.yaml', async () => {
    await kubectl(['apply', '-f', path('deploy/rbac.yaml')]);
    const out = await kubectl(['apply', '--dry-run=server', '-f', path('deploy/bot.yaml')]);
    expect(out).toContain('deployment.apps/crashloop-bot created (server dry run)');
    expect(out).toContain('service/crashloop-bot created (server dry run)');
    expect(out).toContain('deployment.apps/crashloop-redis created (server dry run)');
    const sa = await kubectl(['-n', 'crashloop-bot', 'get', 'serviceaccount', 'crashloop-bot', '-o', 'name']);
    expect(sa.trim()).toBe('serviceaccount/crashloop-bot');
  });
});
