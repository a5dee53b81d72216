// What @kubernetes/client-node already does well, used on sanitised fields only: an agent that goes
// through the kubeconfig's proxy-url (http, https or socks). A one-user KubeConfig is built from
// the ClusterCredentials with loadFromOptions, never from the pasted text.
import type { Agent } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterCredentials } from './credentials.js';

const b64 = (pem?: string) => (pem ? Buffer.from(pem, 'utf8').toString('base64') : undefined);

function kubeConfigOf(credentials: ClusterCredentials): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'c',
        server: credentials.server,
        caData: b64(credentials.caPem),
        skipTLSVerify: credentials.insecureSkipTlsVerify ?? false,
        tlsServerName: credentials.tlsServerName,
        proxyUrl: credentials.proxyUrl,
      },
    ],
    users: [
      {
        name: 'u',
        certData: b64(credentials.clientCertPem),
        keyData: b64(credentials.clientKeyPem),
      },
    ],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

/** An agent that reaches the server through credentials.proxyUrl, with the cluster's TLS settings. */
export async function proxyAgent(credentials: ClusterCredentials): Promise<Agent> {
  const opts: { agent?: Agent; headers?: Record<string, string> } = { headers: {} };
  await kubeConfigOf(credentials).applyToHTTPSOptions(opts as never);
  return opts.agent!;
}
