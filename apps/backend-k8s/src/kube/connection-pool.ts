// One keep-alive agent per cluster, so the proxy, the watch hub, actions and log streams reuse TLS
// connections instead of opening one per request (what @kubernetes/client-node 1.4 does). The
// agent is keyed by cluster id and the row's version: a new version (kubeconfig edited) evicts
// the old agent and closes its sockets.
import http from 'node:http';
import https from 'node:https';
import type { ClusterConnection, ClusterCredentials } from '../clusters/credentials.js';
import { proxyAgent } from '../clusters/client-node-bridge.js';

export interface ClusterEndpoint {
  clusterId: string;
  clusterName: string;
  version: number;
  /** apiserver base URL without a trailing slash; the proxied path is appended to its path */
  baseUrl: URL;
  agent: http.Agent;
  /** Authorization header for the cluster's own credentials, if it uses a token or basic auth */
  authorization?: string;
}

export interface ConnectionPoolOptions {
  /** sockets kept per cluster, default 64 */
  maxSockets?: number;
}

function authorizationFor(credentials: ClusterCredentials): string | undefined {
  if (credentials.token) return `Bearer ${credentials.token}`;
  if (credentials.username !== undefined && credentials.password !== undefined) {
    return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
  }
  return undefined;
}

function agentFor(credentials: ClusterCredentials, baseUrl: URL, maxSockets: number): http.Agent {
  const common = { keepAlive: true, keepAliveMsecs: 30_000, maxSockets, maxFreeSockets: 16, scheduling: 'lifo' as const };
  if (baseUrl.protocol === 'http:') return new http.Agent(common);
  return new https.Agent({
    ...common,
    ca: credentials.caPem,
    cert: credentials.clientCertPem,
    key: credentials.clientKeyPem,
    servername: credentials.tlsServerName,
    rejectUnauthorized: !credentials.insecureSkipTlsVerify,
  });
}

export class ClusterConnectionPool {
  private readonly endpoints = new Map<string, ClusterEndpoint>();
  private readonly maxSockets: number;

  constructor(options: ConnectionPoolOptions = {}) {
    this.maxSockets = options.maxSockets ?? 64;
  }

  /** The endpoint for this connection, building (or rebuilding, on a new version) its agent. */
  async endpoint(connection: ClusterConnection): Promise<ClusterEndpoint> {
    const cached = this.endpoints.get(connection.id);
    if (cached && cached.version === connection.version) return cached;
    // A kubeconfig proxy-url: client-node builds the (http, https or socks) proxy agent.
    const viaProxy = connection.credentials.proxyUrl ? await proxyAgent(connection.credentials) : undefined;
    const again = this.endpoints.get(connection.id);
    if (again && again.version === connection.version) {
      viaProxy?.destroy();
      return again;
    }
    if (again) again.agent.destroy();
    const baseUrl = new URL(connection.credentials.server);
    if (baseUrl.protocol !== 'https:' && baseUrl.protocol !== 'http:') {
      throw new Error(`cluster ${connection.name}: server URL must be https:// or http://`);
    }
    baseUrl.pathname = baseUrl.pathname.replace(/\/+$/, '');
    const endpoint: ClusterEndpoint = {
      clusterId: connection.id,
      clusterName: connection.name,
      version: connection.version,
      baseUrl,
      agent: viaProxy ?? agentFor(connection.credentials, baseUrl, this.maxSockets),
    };
    const authorization = authorizationFor(connection.credentials);
    if (authorization) endpoint.authorization = authorization;
    this.endpoints.set(connection.id, endpoint);
    return endpoint;
  }

  /** Drops a cluster's agent (cluster removed or reloaded). */
  evict(clusterId: string): void {
    const cached = this.endpoints.get(clusterId);
    if (!cached) return;
    cached.agent.destroy();
    this.endpoints.delete(clusterId);
  }

  /** the version of the cached agent, if any */
  versionOf(clusterId: string): number | undefined {
    return this.endpoints.get(clusterId)?.version;
  }

  get size(): number {
    return this.endpoints.size;
  }

  close(): void {
    for (const endpoint of this.endpoints.values()) endpoint.agent.destroy();
    this.endpoints.clear();
  }
}
