// A pasted kubeconfig is untrusted input: client-node's loadFromString would read `*-file` paths
// from the server's disk and run `exec`/`auth-provider` programs with the server's environment.
// So it is parsed here and only inline fields of the chosen context survive, as ClusterCredentials.
import { parseDocument } from 'yaml';
import type { KubeconfigInspectResult } from '@k8s-console/contracts';
import { ApiError } from '../errors/api-error.js';
import type { ClusterCredentials, ExecPluginConfig } from './credentials.js';
import { unsafeExecEnvName } from './exec-plugin.js';

export interface ParsedKubeconfig {
  credentials: ClusterCredentials;
  context: string;
}

type Obj = Record<string, unknown>;

const FIELD = 'kubeconfig';

function invalid(message: string, field = FIELD): ApiError {
  return ApiError.badRequest('INVALID_KUBECONFIG', message, field);
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(o: Obj, key: string, where: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw invalid(`${where}.${key} must be a string`);
  return v;
}

function loadDocument(text: string): Obj {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: false });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    const what = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw invalid(`the kubeconfig is not valid YAML or JSON${pos ? ` (line ${pos.line}, column ${pos.col})` : ''}: ${what}`);
  }
  const value: unknown = doc.toJS();
  if (!isObj(value)) throw invalid('the kubeconfig must be a YAML or JSON object with clusters, users and contexts');
  return value;
}

function namedList(config: Obj, key: 'clusters' | 'users' | 'contexts', inner: 'cluster' | 'user' | 'context'): Map<string, Obj> {
  const list = config[key] ?? [];
  if (!Array.isArray(list)) throw invalid(`${key} must be a list`);
  const out = new Map<string, Obj>();
  list.forEach((item: unknown, i) => {
    if (!isObj(item) || typeof item.name !== 'string' || !item.name) throw invalid(`${key}[${i}] needs a name`);
    const body = item[inner] ?? {};
    if (!isObj(body)) throw invalid(`${key}[${i}].${inner} must be an object`);
    out.set(item.name, body);
  });
  return out;
}

function pickContext(config: Obj, contexts: Map<string, Obj>, requested?: string): string {
  if (requested) {
    if (!contexts.has(requested)) {
      throw invalid(`the kubeconfig has no context "${requested}"; it has: ${[...contexts.keys()].join(', ') || 'none'}`, 'context');
    }
    return requested;
  }
  const current = typeof config['current-context'] === 'string' ? config['current-context'] : '';
  if (current) {
    if (!contexts.has(current)) throw invalid(`current-context "${current}" is not among the kubeconfig's contexts; choose one`, 'context');
    return current;
  }
  if (contexts.size === 1) return [...contexts.keys()][0]!;
  if (contexts.size === 0) throw invalid('the kubeconfig has no contexts');
  throw invalid(`the kubeconfig has several contexts and no current-context; choose one of: ${[...contexts.keys()].join(', ')}`, 'context');
}

function pem(o: Obj, key: string, where: string): string | undefined {
  const b64 = str(o, key, where);
  if (!b64) return undefined;
  const text = Buffer.from(b64, 'base64').toString('utf8');
  if (!text.includes('-----BEGIN')) throw invalid(`${where}.${key} must be base64 of a PEM block`);
  return text;
}

/** Any `*-file` field, or the path-valued fields kubectl resolves against the disk. */
function refuseFiles(o: Obj, where: string): void {
  const fileFields = ['certificate-authority', 'client-certificate', 'client-key', 'tokenFile'];
  for (const key of Object.keys(o)) {
    if (key.endsWith('-file') || fileFields.includes(key)) {
      if (o[key] === undefined || o[key] === null || o[key] === '') continue;
      const inline = key === 'token-file' || key === 'tokenFile' ? 'token' : key.endsWith('-file') ? key.replace(/-file$/, '') : `${key}-data`;
      throw invalid(`${where}.${key} refers to a file on the server's disk, which the console never reads; inline it as ${inline}`);
    }
  }
}

function execPlugin(user: Obj, where: string, allowed: string[]): ExecPluginConfig | undefined {
  if (user['auth-provider'] !== undefined && user['auth-provider'] !== null) {
    throw invalid(`${where}.auth-provider runs a program on the server and is not supported; use a token, a client certificate or an allowed exec plugin`);
  }
  const exec = user.exec;
  if (exec === undefined || exec === null) return undefined;
  if (!isObj(exec) || typeof exec.command !== 'string' || !exec.command) throw invalid(`${where}.exec needs a command`);
  if (!allowed.includes(exec.command)) {
    throw invalid(
      `${where}.exec runs "${exec.command}" on the server, which is not in ALLOWED_EXEC_PLUGINS` +
        `${allowed.length ? ` (${allowed.join(', ')})` : ' (empty)'}; ask the operator to allow it, or use a token or client certificate`,
    );
  }
  const args = Array.isArray(exec.args) ? exec.args.map(String) : undefined;
  const env = Array.isArray(exec.env)
    ? exec.env.filter(isObj).map((e) => ({ name: String(e.name ?? ''), value: String(e.value ?? '') }))
    : undefined;
  const unsafe = env?.find((e) => unsafeExecEnvName(e.name));
  if (unsafe) throw invalid(`${where}.exec.env sets ${unsafe.name}, which changes how programs load code; remove it`);
  return {
    command: exec.command,
    apiVersion: typeof exec.apiVersion === 'string' ? exec.apiVersion : 'client.authentication.k8s.io/v1',
    ...(args ? { args } : {}),
    ...(env ? { env } : {}),
  };
}

function checkServer(server: string | undefined, where: string): string {
  if (!server) throw invalid(`${where}.server is missing: the kubeconfig must say where the apiserver is`);
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw invalid(`${where}.server "${server}" is not a URL (expected https://host:port)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(`${where}.server must be an https:// (or, without TLS, http://) URL`);
  if (url.username || url.password) throw invalid(`${where}.server must not carry credentials in the URL`);
  return server.replace(/\/+$/, '');
}

/** proxy-url: the schemes the console can dial (kubectl's own: http, https, socks5). */
function checkProxyUrl(proxyUrl: string, where: string): string {
  let url: URL;
  try {
    url = new URL(proxyUrl);
  } catch {
    // not echoed: a proxy-url may carry a password
    throw invalid(`${where}.proxy-url is not a URL (expected http://, https:// or socks5://host:port)`);
  }
  if (!['http:', 'https:', 'socks5:'].includes(url.protocol)) {
    throw invalid(`${where}.proxy-url must be an http://, https:// or socks5:// URL, not ${url.protocol}//`);
  }
  return proxyUrl;
}

export function parseKubeconfig(text: string, options: { context?: string; allowedExecPlugins: string[] }): ParsedKubeconfig {
  const config = loadDocument(text);
  const clusters = namedList(config, 'clusters', 'cluster');
  const users = namedList(config, 'users', 'user');
  const contexts = namedList(config, 'contexts', 'context');
  const contextName = pickContext(config, contexts, options.context);
  const ctx = contexts.get(contextName)!;
  const clusterName = typeof ctx.cluster === 'string' ? ctx.cluster : '';
  const userName = typeof ctx.user === 'string' ? ctx.user : '';
  const cluster = clusters.get(clusterName);
  if (!cluster) throw invalid(`context "${contextName}" names cluster "${clusterName}", which the kubeconfig does not define`);
  const cw = `clusters[${clusterName}].cluster`;
  refuseFiles(cluster, cw);
  const credentials: ClusterCredentials = { server: checkServer(str(cluster, 'server', cw), cw) };
  const caPem = pem(cluster, 'certificate-authority-data', cw);
  if (caPem) credentials.caPem = caPem;
  const tlsServerName = str(cluster, 'tls-server-name', cw);
  if (tlsServerName) credentials.tlsServerName = tlsServerName;
  if (cluster['insecure-skip-tls-verify'] === true) credentials.insecureSkipTlsVerify = true;
  const proxyUrl = str(cluster, 'proxy-url', cw);
  if (proxyUrl) credentials.proxyUrl = checkProxyUrl(proxyUrl, cw);

  if (userName) {
    const user = users.get(userName);
    if (!user) throw invalid(`context "${contextName}" names user "${userName}", which the kubeconfig does not define`);
    const uw = `users[${userName}].user`;
    refuseFiles(user, uw);
    const cert = pem(user, 'client-certificate-data', uw);
    const key = pem(user, 'client-key-data', uw);
    if (Boolean(cert) !== Boolean(key)) throw invalid(`${uw} needs both client-certificate-data and client-key-data`);
    if (cert) credentials.clientCertPem = cert;
    if (key) credentials.clientKeyPem = key;
    const token = str(user, 'token', uw);
    if (token) credentials.token = token;
    const username = str(user, 'username', uw);
    const password = str(user, 'password', uw);
    if (username) credentials.username = username;
    if (password) credentials.password = password;
    const exec = execPlugin(user, uw, options.allowedExecPlugins);
    if (exec && credentials.server.startsWith('http:')) {
      throw invalid(`${uw}.exec makes credentials for a server without TLS (${credentials.server}); they would cross the network in clear: use https://`);
    }
    if (exec) credentials.exec = exec;
  }
  return { credentials, context: contextName };
}

/** The contexts of a kubeconfig for the UI's picker; no credentials, nothing refused here. */
export function inspectKubeconfig(text: string): KubeconfigInspectResult {
  const config = loadDocument(text);
  const clusters = namedList(config, 'clusters', 'cluster');
  const contexts = namedList(config, 'contexts', 'context');
  const current = typeof config['current-context'] === 'string' && config['current-context'] ? config['current-context'] : null;
  return {
    currentContext: current,
    contexts: [...contexts].map(([name, ctx]) => {
      const cluster = typeof ctx.cluster === 'string' ? ctx.cluster : '';
      const server = clusters.get(cluster)?.server;
      return {
        name,
        cluster,
        user: typeof ctx.user === 'string' ? ctx.user : '',
        ...(typeof ctx.namespace === 'string' ? { namespace: ctx.namespace } : {}),
        server: typeof server === 'string' ? server : null,
      };
    }),
  };
}
