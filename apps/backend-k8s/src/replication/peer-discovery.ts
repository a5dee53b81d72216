// Finds the sibling replicas a cluster change is broadcast to. Sources are tried in a fixed order
// (POD_IPS, INSTANCE_ADDRESSES, DNS of the headless Service) and the first one configured wins, so
// an operator can always tell which list is in use from the log line. The replica leaves itself out.
import { promises as dns } from 'node:dns';
import { hostname, networkInterfaces } from 'node:os';

export type DiscoveryMethod = 'pod-ips' | 'instance-addresses' | 'dns' | 'none';

export interface Peer {
  host: string;
  port: number;
  /** base URL of the peer, e.g. http://10.0.0.7:3000 or http://[fd00::7]:3000 */
  url: string;
}

export interface PeerDiscoveryConfig {
  /** IPs of every replica (POD_IPS, used with POD_PORT) */
  podIps?: string[] | string | undefined;
  /** host:port of every replica (INSTANCE_ADDRESSES) */
  instanceAddresses?: string[] | string | undefined;
  /** headless Service name, resolved as SERVICE_NAME.POD_NAMESPACE.svc.cluster.local */
  serviceName?: string | undefined;
  podNamespace?: string | undefined;
  /** the port replicas listen on (POD_PORT, else PORT) */
  podPort?: number | undefined;
  /** this replica's own IP (POD_IP), left out of the list */
  podIp?: string | undefined;
  /** the port this replica listens on, to recognise itself in host:port lists; a function when it
   *  is known only after listen (PORT=0) */
  ownPort: number | (() => number);
  /** the DNS domain of the cluster; default svc.cluster.local */
  clusterDomain?: string | undefined;
}

/** Resolves a name to its addresses; injectable so tests need no DNS server. */
export type AddressResolver = (name: string) => Promise<string[]>;

interface DiscoveryLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface PeerDiscoveryResult {
  method: DiscoveryMethod;
  peers: Peer[];
}

const DEFAULT_PORT = 3000;

/** Both A and AAAA records: a dual-stack Service answers on both, and either may be missing. */
export const systemResolver: AddressResolver = async (name) => {
  const [v4, v6] = await Promise.allSettled([dns.resolve4(name), dns.resolve6(name)]);
  const found = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  if (found.length === 0 && v4.status === 'rejected') throw v4.reason;
  return found;
};

function splitList(value: string[] | string | undefined): string[] {
  return (Array.isArray(value) ? value : (value ?? '').split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function makePeer(host: string, port: number): Peer {
  return { host, port, url: `http://${formatHost(host)}:${port}` };
}

/** Parses `host:port`, `[v6]:port`, or a bare host/IP (then the default port applies). */
export function parseAddress(entry: string, defaultPort: number): Peer {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return makePeer(bracketed[1]!, bracketed[2] ? Number(bracketed[2]) : defaultPort);
  const colons = entry.split(':').length - 1;
  if (colons === 1) {
    const [host, port] = entry.split(':') as [string, string];
    const n = Number(port);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`invalid port in peer address "${entry}"`);
    return makePeer(host, n);
  }
  // no colon: a host; several colons without brackets: a bare IPv6 address
  return makePeer(entry, defaultPort);
}

/** Names and addresses by which this machine may appear in a peer list. */
export function localHostNames(podIp?: string): Set<string> {
  const names = new Set<string>(['localhost', hostname()]);
  if (podIp) names.add(podIp);
  for (const list of Object.values(networkInterfaces())) {
    for (const nic of list ?? []) names.add(nic.address);
  }
  return names;
}

export class PeerDiscovery {
  private readonly local: Set<string>;
  private lastLogged = '';

  constructor(
    private readonly config: PeerDiscoveryConfig,
    private readonly logger: DiscoveryLogger,
    private readonly resolve: AddressResolver = systemResolver,
    localNames?: Set<string>,
  ) {
    this.local = localNames ?? localHostNames(config.podIp);
  }

  /** The port peers listen on when a source gives only addresses. */
  private get peerPort(): number {
    return this.config.podPort || this.ownPort || DEFAULT_PORT;
  }

  private get ownPort(): number {
    const p = this.config.ownPort;
    return typeof p === 'function' ? p() : p;
  }

  get method(): DiscoveryMethod {
    if (splitList(this.config.podIps).length > 0) return 'pod-ips';
    if (splitList(this.config.instanceAddresses).length > 0) return 'instance-addresses';
    if (this.config.serviceName && this.config.podNamespace) return 'dns';
    return 'none';
  }

  get serviceDnsName(): string {
    const domain = this.config.clusterDomain ?? 'svc.cluster.local';
    return `${this.config.serviceName}.${this.config.podNamespace}.${domain}`;
  }

  private isSelf(peer: Peer): boolean {
    if (this.config.podIp && peer.host === this.config.podIp) return true;
    return this.local.has(peer.host) && peer.port === this.ownPort;
  }

  /**
   * The current peer set. Static lists never change; DNS is asked again each time, because the
   * headless Service follows the StatefulSet as it scales.
   */
  async discover(): Promise<PeerDiscoveryResult> {
    const method = this.method;
    let candidates: Peer[] = [];
    try {
      if (method === 'pod-ips') candidates = splitList(this.config.podIps).map((ip) => parseAddress(ip, this.peerPort));
      else if (method === 'instance-addresses') candidates = splitList(this.config.instanceAddresses).map((a) => parseAddress(a, this.peerPort));
      else if (method === 'dns') candidates = (await this.resolve(this.serviceDnsName)).map((ip) => makePeer(ip, this.peerPort));
    } catch (err) {
      this.logger.warn({ method, err: (err as Error).message }, 'peer discovery failed; broadcasting to no peer this time');
      return { method, peers: [] };
    }
    const seen = new Set<string>();
    const peers = candidates.filter((p) => {
      if (this.isSelf(p) || seen.has(p.url)) return false;
      seen.add(p.url);
      return true;
    });
    this.logOnChange(method, peers);
    return { method, peers };
  }

  // Logged when the set changes rather than on every broadcast, so the log stays readable.
  private logOnChange(method: DiscoveryMethod, peers: Peer[]): void {
    const key = `${method}|${peers.map((p) => p.url).join(',')}`;
    if (key === this.lastLogged) return;
    this.lastLogged = key;
    this.logger.info({ method, count: peers.length, peers: peers.map((p) => p.url) }, `found ${peers.length} peer replica(s) by ${method}`);
  }
}
