// An allowed exec plugin (on ALLOWED_EXEC_PLUGINS) produces the Authorization header by running
// its command; @kubernetes/client-node's ExecAuth does that, so this builds a one-user KubeConfig
// from the sanitised fields and lets it apply the plugin.
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterCredentials } from './credentials.js';

export async function execAuthorization(credentials: ClusterCredentials): Promise<string | undefined> {
  if (!credentials.exec) return undefined;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: credentials.server, skipTLSVerify: true }],
    users: [{ name: 'u', exec: credentials.exec }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const opts: { headers?: Record<string, string> } = { headers: {} };
  await kc.applyToHTTPSOptions(opts as never);
  return opts.headers?.Authorization;
}
