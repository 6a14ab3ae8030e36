// deploy/bot.yaml and the opt-in RBAC files are accepted by a real API server (server-side dry run,
// after deploy/rbac.yaml).
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
    expect(out).toContain('statefulset.apps/crashloop-redis created (server dry run)');
    expect(out).toContain('service/crashloop-redis created (server dry run)');
    expect(out).toContain('networkpolicy.networking.k8s.io/crashloop-redis created (server dry run)');
    const sa = await kubectl(['-n', 'crashloop-bot', 'get', 'serviceaccount', 'crashloop-bot', '-o', 'name']);
    expect(sa.trim()).toBe('serviceaccount/crashloop-bot');
  });

  it('the opt-in RBAC files pass server-side validation where they are meant to go', async () => {
    const debug = await kubectl(['-n', 'crashloop-bot', 'apply', '--dry-run=server', '-f', path('deploy/rbac-debug.yaml'), '-f', path('deploy/rbac-write.yaml')]);
    expect(debug).toContain('role.rbac.authorization.k8s.io/crashloop-bot-debug created (server dry run)');
    expect(debug).toContain('rolebinding.rbac.authorization.k8s.io/crashloop-bot-write created (server dry run)');
    const impersonate = await kubectl(['apply', '--dry-run=server', '-f', path('deploy/rbac-impersonate.yaml')]);
    expect(impersonate).toMatch(/clusterrole\.rbac\.authorization\.k8s\.io\/crashloop-bot-impersonate (created|unchanged) \(server dry run\)/);
  });
});
