// A kubeconfig that points kubectl and client libraries at a kube-sim: inline CA, bearer token.
import { stringify } from 'yaml';

export function buildKubeconfig(opts: { url: string; token: string; caPem?: string; contextName: string }): string {
  const cluster: Record<string, string> = { server: opts.url };
  if (opts.caPem) cluster['certificate-authority-data'] = Buffer.from(opts.caPem).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: opts.contextName, cluster }],
    users: [{ name: `${opts.contextName}-user`, user: { token: opts.token } }],
    contexts: [{ name: opts.contextName, context: { cluster: opts.contextName, user: `${opts.contextName}-user`, namespace: 'default' } }],
    'current-context': opts.contextName,
    preferences: {},
  });
}
