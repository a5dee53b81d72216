// What the backend keeps of a pasted kubeconfig after sanitising it: only inline fields, never
// file references (the server's own disk) and never an exec/auth-provider plugin that is not on
// ALLOWED_EXEC_PLUGINS. Every connection to a cluster is built from this and nothing else.

export interface ExecPluginConfig {
  command: string;
  args?: string[];
  env?: { name: string; value: string }[];
  apiVersion: string;
}

export interface ClusterCredentials {
  /** apiserver URL, e.g. https://10.0.0.1:6443 */
  server: string;
  /** PEM text (already base64-decoded from certificate-authority-data) */
  caPem?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  token?: string;
  username?: string;
  password?: string;
  tlsServerName?: string;
  insecureSkipTlsVerify?: boolean;
  proxyUrl?: string;
  /** only present when its command is on ALLOWED_EXEC_PLUGINS */
  exec?: ExecPluginConfig;
}

/** A decrypted cluster ready to use; cached per replica, keyed by id and row version. */
export interface ClusterConnection {
  id: string;
  name: string;
  /** the row's version counter: a different one means the cached connection is stale */
  version: number;
  credentials: ClusterCredentials;
}

/** A URL fit for a message: a proxy-url may carry user:password (RFC 1929, HTTP basic), never shown. */
export function urlWithoutCredentials(value: string): string {
  try {
    const url = new URL(value);
    if (!url.username && !url.password) return value;
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return '(not a URL)';
  }
}
