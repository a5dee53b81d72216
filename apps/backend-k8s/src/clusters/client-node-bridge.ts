// Two things @kubernetes/client-node already does well, used on sanitised fields only: running an
// allowed exec plugin (ALLOWED_EXEC_PLUGINS) for a token, and building an agent that goes through
// the kubeconfig's proxy-url (http, https or socks). A one-user KubeConfig is built from the
// ClusterCredentials with loadFromOptions, never from the pasted text.
import type { Agent } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterCredentials } from './credentials.js';

const b64 = (pem?: string) => (pem ? Buffer.from(pem, 'utf8').toString('base64') : undefined);

function kubeConfigOf(credentials: ClusterCredentials, withExec: boolean): KubeConfig {
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
        ...(withExec && credentials.exec ? { exec: credentials.exec } : {}),
      },
    ],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

/** The Authorization header an allowed exec plugin produces. */
export async function execAuthorization(credentials: ClusterCredentials): Promise<string | undefined> {
  if (!credentials.exec) return undefined;
  const opts: { headers?: Record<string, string> } = { headers: {} };
  // Only the header is taken from here; skipTLSVerify keeps client-node from refusing http:// servers.
  const kc = kubeConfigOf({ ...credentials, insecureSkipTlsVerify: true, proxyUrl: undefined }, true);
  await kc.applyToHTTPSOptions(opts as never);
  return opts.headers?.Authorization;
}

/** An agent that reaches the server through credentials.proxyUrl, with the cluster's TLS settings. */
export async function proxyAgent(credentials: ClusterCredentials): Promise<Agent> {
  const opts: { agent?: Agent; headers?: Record<string, string> } = { headers: {} };
  await kubeConfigOf(credentials, false).applyToHTTPSOptions(opts as never);
  return opts.agent!;
}
