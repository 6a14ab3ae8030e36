// A malformed kubeconfig must not put any of its content (a token, a key) into the error that ends up
// in the logs: the YAML parser's own message quotes the offending lines.
import { describe, expect, it } from 'vitest';
import { createKubeGateway } from '../../../src/cluster/kube-gateway.ts';
import { ClusterError } from '../../../src/cluster/types.ts';

const TOKEN = 'sha256~FAKEtokenAbCdEf0123456789';

function errorOf(kubeconfigText: string): ClusterError {
  try {
    createKubeGateway({ kubeconfigText, env: {} });
  } catch (err) {
    if (err instanceof ClusterError) return err;
    throw err;
  }
  throw new Error('expected the kubeconfig to be refused');
}

describe('kubeconfig errors', () => {
  it.each([
    ['an unterminated quoted token', `apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: "${TOKEN}\nclusters: []\n`],
    ['a token line with a stray colon', `apiVersion: v1\nusers:\n- name: u\n  user:\n    token: ${TOKEN}: x: y\n`],
    ['a tab after the token', `users:\n- name: u\n  user:\n    token: ${TOKEN}\n\t- bad\n`],
  ])('%s: says where, never what', (_name, text) => {
    const err = errorOf(text);
    expect(err.message).toMatch(/^Cannot load the kubeconfig: it is not valid YAML \(.+ at line \d+, column \d+\)\. Set KUBECONFIG/);
    expect(err.message).not.toContain('FAKEtoken');
    expect(err.message).not.toContain('sha256~');
    expect(String(err.cause ?? '')).not.toContain('FAKEtoken');
  });

  it('names a missing file by its path', () => {
    try {
      createKubeGateway({ kubeconfig: '/nonexistent/kubeconfig', env: {} });
      throw new Error('expected a refusal');
    } catch (err) {
      expect(String((err as Error).message)).toContain('ENOENT on /nonexistent/kubeconfig');
    }
  });
});
