// How the bot names a cluster it reaches through a kubeconfig (reports, queues, routing): CLUSTER_NAME,
// then the kube context's name, then "in-cluster" — never a name client-node made up for itself.
// (Lives here, with the composition root's tests; test/cluster belongs to the control-plane harness.)
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createKubeGateway, KubeGateway } from '../../src/cluster/kube-gateway.ts';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: eu-1
    cluster: { server: "https://127.0.0.1:6443" }
users:
  - name: bot
    user: { token: "fake-test-token" }
contexts:
  - name: staging-eu
    context: { cluster: eu-1, user: bot }
current-context: staging-eu
`;

describe('cluster name', () => {
  it('is CLUSTER_NAME when set', () => {
    expect(createKubeGateway({ kubeconfigText: KUBECONFIG, env: { CLUSTER_NAME: 'prod' } }).cluster).toBe('prod');
  });

  it('is the kube context name without CLUSTER_NAME (not the kubeconfig cluster entry)', () => {
    expect(createKubeGateway({ kubeconfigText: KUBECONFIG, env: {} }).cluster).toBe('staging-eu');
    expect(createKubeGateway({ kubeconfigText: KUBECONFIG, env: { CLUSTER_NAME: '' } }).cluster).toBe('staging-eu');
  });

  it('is "in-cluster" when client-node had to make a context up (no kubeconfig at all, or in-cluster credentials)', () => {
    const fallback = new KubeConfig();
    // What loadFromDefault does when it finds neither a kubeconfig nor a service account.
    fallback.loadFromClusterAndUser({ name: 'cluster', server: 'http://localhost:8080', skipTLSVerify: false }, { name: 'user' });
    expect(fallback.getCurrentContext()).toBe('loaded-context');
    expect(new KubeGateway(fallback).cluster).toBe('in-cluster');

    const inPod = new KubeConfig();
    inPod.loadFromOptions({
      clusters: [{ name: 'inCluster', server: 'https://10.0.0.1:443', skipTLSVerify: false }],
      users: [{ name: 'inClusterUser' }],
      contexts: [{ name: 'inClusterContext', cluster: 'inCluster', user: 'inClusterUser' }],
      currentContext: 'inClusterContext',
    });
    expect(new KubeGateway(inPod).cluster).toBe('in-cluster');
    expect(new KubeGateway(inPod, { clusterName: 'prod-eu' }).cluster).toBe('prod-eu');
  });
});
