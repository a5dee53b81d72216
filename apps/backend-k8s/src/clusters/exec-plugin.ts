// Runs an allowed exec credential plugin (ALLOWED_EXEC_PLUGINS) the way kubectl does, but with a
// minimal environment: client-node's ExecAuth hands the plugin the backend's whole environment,
// secrets included (JWT_SECRET, KUBECONFIG_ENCRYPTION_KEYS…). Here the plugin gets PATH, HOME and
// the kubeconfig's own env entries, minus names that change how programs load code.
import { execFile } from 'node:child_process';
import type { ExecPluginConfig } from './credentials.js';

export interface ExecCredential {
  token?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  /** when the credential stops being valid; undefined = until the next 401 */
  expiresAt?: Date;
}

const TIMEOUT_MS = 30_000;
const UNSAFE_ENV = /^(LD_|DYLD_)|^(NODE_OPTIONS|BASH_ENV|ENV|PYTHONPATH|PYTHONSTARTUP|PERL5OPT|PERL5LIB|RUBYOPT|RUBYLIB)$/;

/** Env entries a kubeconfig may not set for its plugin; the parser refuses them up front. */
export function unsafeExecEnvName(name: string): boolean {
  return UNSAFE_ENV.test(name);
}

export function runExecPlugin(exec: ExecPluginConfig): Promise<ExecCredential> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    ...(process.env.HOME ? { HOME: process.env.HOME } : {}),
    KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion: exec.apiVersion, kind: 'ExecCredential', spec: { interactive: false } }),
  };
  for (const { name, value } of exec.env ?? []) if (!unsafeExecEnvName(name)) env[name] = value;
  return new Promise((resolve, reject) => {
    execFile(exec.command, exec.args ?? [], { env, timeout: TIMEOUT_MS, maxBuffer: 1024 * 1024, windowsHide: true }, (err, stdout, stderr) => {
      if (err) {
        const why = err.killed ? `timed out after ${TIMEOUT_MS / 1000} s` : `failed (exit ${err.code ?? 'unknown'})`;
        // Not its stderr: plugins echo credentials there, and this message reaches anyone who may
        // see the cluster (its health). The operator runs the command by hand to read it.
        return reject(new Error(`${why}${stderr ? `; it wrote ${Buffer.byteLength(stderr)} bytes to stderr, not shown (run the command on the server to read them)` : ''}`));
      }
      try {
        const parsed = JSON.parse(stdout) as { kind?: string; status?: Record<string, unknown> };
        const status = parsed.status ?? {};
        const credential: ExecCredential = {};
        if (typeof status.token === 'string') credential.token = status.token;
        if (typeof status.clientCertificateData === 'string') credential.clientCertPem = status.clientCertificateData;
        if (typeof status.clientKeyData === 'string') credential.clientKeyPem = status.clientKeyData;
        if (typeof status.expirationTimestamp === 'string') credential.expiresAt = new Date(status.expirationTimestamp);
        if (!credential.token && !credential.clientCertPem) throw new Error('no token or client certificate in status');
        resolve(credential);
      } catch (parseError) {
        reject(new Error(`did not print an ExecCredential: ${(parseError as Error).message}`));
      }
    });
  });
}
