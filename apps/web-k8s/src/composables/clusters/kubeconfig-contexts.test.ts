import { describe, expect, it } from 'vitest';
import { suggestClusterName, summariseKubeconfig } from './kubeconfig-contexts';

const twoContexts = `
apiVersion: v1
kind: Config
current-context: staging
clusters:
  - name: prod-cluster
    cluster: { server: https://prod.example.com:6443, certificate-authority-data: AAAA }
  - name: staging-cluster
    cluster: { server: https://staging.example.com }
users:
  - name: admin
    user: { token: secret-token }
contexts:
  - name: prod
    context: { cluster: prod-cluster, user: admin, namespace: web }
  - name: staging
    context: { cluster: staging-cluster, user: admin }
`;

describe('kubeconfig contexts', () => {
  it('lists every context with its server and the current one, and nothing secret', () => {
    const summary = summariseKubeconfig(twoContexts);
    expect(summary).toEqual({
      ok: true,
      currentContext: 'staging',
      contexts: [
        { name: 'prod', cluster: 'prod-cluster', user: 'admin', namespace: 'web', server: 'https://prod.example.com:6443' },
        { name: 'staging', cluster: 'staging-cluster', user: 'admin', server: 'https://staging.example.com' },
      ],
    });
    expect(JSON.stringify(summary)).not.toContain('secret-token');
  });

  it('reads JSON kubeconfigs too', () => {
    const json = JSON.stringify({
      clusters: [{ name: 'c', cluster: { server: 'https://c' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    });
    expect(summariseKubeconfig(json)).toMatchObject({ ok: true, currentContext: null, contexts: [{ name: 'x', server: 'https://c' }] });
  });

  it('reports a YAML error with its line', () => {
    const summary = summariseKubeconfig('clusters:\n  - name: a\n   bad: indent\n');
    expect(summary.ok).toBe(false);
    if (!summary.ok) expect(summary.line).toBe(3);
  });

  it('rejects documents without contexts', () => {
    expect(summariseKubeconfig('just a string')).toMatchObject({ ok: false });
    expect(summariseKubeconfig('clusters: []')).toMatchObject({ ok: false, message: 'the kubeconfig has no contexts' });
  });

  it('suggests DNS-label names', () => {
    expect(suggestClusterName('arn:aws:eks:eu-west-1:123:cluster/Prod_EU')).toBe('arn-aws-eks-eu-west-1-123-cluster-prod-eu');
    expect(suggestClusterName('---')).toBe('cluster');
    expect(suggestClusterName('a'.repeat(80))).toHaveLength(63);
  });
});
