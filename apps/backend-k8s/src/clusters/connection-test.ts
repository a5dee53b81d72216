// GET /version against a cluster, built from the sanitised credentials only, with a timeout, and
// its failure told in words a user can act on (DNS, refused, timeout, TLS, 401, 403).
import type { ConnectionFailureCode, ConnectionTestResult } from '@k8s-console/contracts';
import type { Dispatcher } from 'undici';
import { dispatcherFor } from '../kube/connection-pool.js';
import { urlWithoutCredentials, type ClusterCredentials } from './credentials.js';
import { runExecPlugin } from './exec-plugin.js';

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ALTNAME|EPROTO/;

function failure(server: string, code: ConnectionFailureCode, message: string, started: number): ConnectionTestResult {
  return { ok: false, server, durationMs: Date.now() - started, error: { code, message } };
}

function describeNetworkError(err: NodeJS.ErrnoException, url: URL): { code: ConnectionFailureCode; message: string } {
  const code = err.code ?? '';
  const host = url.hostname;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return { code: 'DNS', message: `the host name "${host}" does not resolve (DNS); check the server address in the kubeconfig` };
  }
  if (code === 'ECONNREFUSED') {
    return { code: 'REFUSED', message: `nothing accepts connections at ${url.host}; check that the apiserver runs and the port is right` };
  }
  if (TLS_CODES.test(code) || /certificate|ssl|tls/i.test(err.message)) {
    const hint =
      code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? "the certificate is not issued for this host name (set tls-server-name to the certificate's name)"
        : code === 'CERT_HAS_EXPIRED'
          ? 'the server certificate has expired'
          : "the server's certificate is not trusted: put the cluster's CA in certificate-authority-data";
    return { code: 'TLS', message: `TLS handshake with ${url.host} failed (${code || err.message}): ${hint}` };
  }
  return { code: 'NETWORK', message: `could not reach ${url.host}: ${code || err.message}` };
}

export async function testConnection(credentials: ClusterCredentials, timeoutMs: number): Promise<ConnectionTestResult> {
  const started = Date.now();
  const server = credentials.server;
  const url = new URL(`${server}/version`);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (credentials.token) headers.Authorization = `Bearer ${credentials.token}`;
  else if (credentials.username !== undefined && credentials.password !== undefined) {
    headers.Authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  } else if (credentials.exec) {
    const exec = credentials.exec;
    try {
      const issued = await runExecPlugin(exec);
      if (issued.token) headers.Authorization = `Bearer ${issued.token}`;
      // A plugin may issue a client certificate instead of a token.
      credentials = { ...credentials, clientCertPem: issued.clientCertPem ?? credentials.clientCertPem, clientKeyPem: issued.clientKeyPem ?? credentials.clientKeyPem };
    } catch (err) {
      return failure(server, 'UNAUTHORIZED', `the exec plugin "${exec.command}" did not produce credentials: ${(err as Error).message}`, started);
    }
  }
  let dispatcher: Dispatcher;
  try {
    // The same dispatcher as the console's proxy uses later (TLS, proxy-url), for one request.
    dispatcher = dispatcherFor(credentials, new URL(server), 1);
  } catch (err) {
    return failure(server, 'NETWORK', `proxy-url ${urlWithoutCredentials(credentials.proxyUrl ?? '')} cannot be used: ${(err as Error).message}`, started);
  }
  try {
    return await request(url, server, dispatcher, headers, timeoutMs, started);
  } finally {
    dispatcher.destroy().catch(() => undefined);
  }
}

async function request(url: URL, server: string, dispatcher: Dispatcher, headers: Record<string, string>, timeoutMs: number, started: number): Promise<ConnectionTestResult> {
  let status: number;
  let text: string;
  try {
    const res = await dispatcher.request({ origin: url.origin, path: url.pathname, method: 'GET', headers, signal: AbortSignal.timeout(timeoutMs) });
    status = res.statusCode;
    text = (await res.body.text()).slice(0, 64 * 1024);
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') {
      return failure(server, 'TIMEOUT', `no answer from ${url.host} within ${Math.round(timeoutMs / 100) / 10} s; check the address and any firewall between`, started);
    }
    const { code, message } = describeNetworkError(err as NodeJS.ErrnoException, url);
    return failure(server, code, message, started);
  }
  if (status === 401) {
    return failure(server, 'UNAUTHORIZED', 'the cluster rejected the credentials (401): the token or client certificate is wrong or expired', started);
  }
  if (status === 403) {
    return failure(server, 'FORBIDDEN', 'the credentials were accepted but may not read /version (403): grant the user access to the cluster', started);
  }
  if (status !== 200) return failure(server, 'HTTP', `GET /version answered HTTP ${status}; is ${server} a Kubernetes apiserver?`, started);
  try {
    const body = JSON.parse(text) as { gitVersion?: unknown };
    if (typeof body.gitVersion !== 'string') throw new Error('no gitVersion');
    return { ok: true, server, version: body.gitVersion, durationMs: Date.now() - started };
  } catch {
    return failure(server, 'HTTP', `GET /version did not answer like a Kubernetes apiserver; is ${server} the right address?`, started);
  }
}
