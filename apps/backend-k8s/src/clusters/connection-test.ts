// GET /version against a cluster, built from the sanitised credentials only, with a timeout, and
// its failure told in words a user can act on (DNS, refused, timeout, TLS, 401, 403).
import http from 'node:http';
import https from 'node:https';
import type { ConnectionFailureCode, ConnectionTestResult } from '@k8s-console/contracts';
import type { ClusterCredentials } from './credentials.js';
import { proxyAgent } from './client-node-bridge.js';
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
  let agent: http.Agent | false = false;
  if (credentials.proxyUrl) {
    try {
      agent = await proxyAgent(credentials);
    } catch (err) {
      return failure(server, 'NETWORK', `proxy-url ${credentials.proxyUrl} cannot be used: ${(err as Error).message}`, started);
    }
  }
  try {
    return await request(url, credentials, headers, agent, timeoutMs, started);
  } finally {
    if (agent) agent.destroy();
  }
}

function request(
  url: URL,
  credentials: ClusterCredentials,
  headers: Record<string, string>,
  agent: http.Agent | false,
  timeoutMs: number,
  started: number,
): Promise<ConnectionTestResult> {
  const server = credentials.server;
  return new Promise((resolve) => {
    const options: https.RequestOptions = {
      method: 'GET',
      headers,
      timeout: timeoutMs,
      agent,
      ...(url.protocol === 'https:'
        ? {
            ca: credentials.caPem,
            cert: credentials.clientCertPem,
            key: credentials.clientKeyPem,
            servername: credentials.tlsServerName,
            rejectUnauthorized: !credentials.insecureSkipTlsVerify,
          }
        : {}),
    };
    const req = (url.protocol === 'https:' ? https : http).request(url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= 64 * 1024) chunks.push(c);
      });
      res.on('error', (err) => resolve(failure(server, 'NETWORK', `the answer from ${url.host} broke off: ${err.message}`, started)));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status === 401) {
          resolve(failure(server, 'UNAUTHORIZED', 'the cluster rejected the credentials (401): the token or client certificate is wrong or expired', started));
        } else if (status === 403) {
          resolve(failure(server, 'FORBIDDEN', 'the credentials were accepted but may not read /version (403): grant the user access to the cluster', started));
        } else if (status !== 200) {
          resolve(failure(server, 'HTTP', `GET /version answered HTTP ${status}; is ${server} a Kubernetes apiserver?`, started));
        } else {
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { gitVersion?: unknown };
            if (typeof body.gitVersion !== 'string') throw new Error('no gitVersion');
            resolve({ ok: true, server, version: body.gitVersion, durationMs: Date.now() - started });
          } catch {
            resolve(failure(server, 'HTTP', `GET /version did not answer like a Kubernetes apiserver; is ${server} the right address?`, started));
          }
        }
      });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(failure(server, 'TIMEOUT', `no answer from ${url.host} within ${Math.round(timeoutMs / 100) / 10} s; check the address and any firewall between`, started));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const { code, message } = describeNetworkError(err, url);
      resolve(failure(server, code, message, started));
    });
    req.end();
  });
}
