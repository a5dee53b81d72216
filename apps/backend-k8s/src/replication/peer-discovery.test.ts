import { describe, expect, it } from 'vitest';
import { PeerDiscovery, parseAddress, type AddressResolver, type PeerDiscoveryConfig } from './peer-discovery.js';

function recordingLogger() {
  const lines: { level: string; obj: object; msg: string }[] = [];
  return {
    lines,
    info: (obj: object, msg: string) => lines.push({ level: 'info', obj, msg }),
    warn: (obj: object, msg: string) => lines.push({ level: 'warn', obj, msg }),
  };
}

const local = new Set(['127.0.0.1', 'localhost', 'backend-1', '::1']);

function discovery(config: Partial<PeerDiscoveryConfig>, resolver?: AddressResolver) {
  const logger = recordingLogger();
  const d = new PeerDiscovery({ ownPort: 3000, ...config }, logger, resolver ?? (async () => []), local);
  return { d, logger };
}

describe('parseAddress', () => {
  it('reads host:port, bracketed IPv6 and bare hosts', () => {
    expect(parseAddress('10.0.0.7:8080', 3000)).toEqual({ host: '10.0.0.7', port: 8080, url: 'http://10.0.0.7:8080' });
    expect(parseAddress('[fd00::7]:8080', 3000).url).toBe('http://[fd00::7]:8080');
    expect(parseAddress('fd00::7', 3000).url).toBe('http://[fd00::7]:3000');
    expect(parseAddress('backend-2', 3001).url).toBe('http://backend-2:3001');
  });

  it('refuses a port that is not one', () => {
    expect(() => parseAddress('host:99999', 3000)).toThrow(/invalid port/);
    expect(() => parseAddress('host:abc', 3000)).toThrow(/invalid port/);
  });
});

describe('PeerDiscovery', () => {
  it('prefers POD_IPS with POD_PORT and leaves out POD_IP', async () => {
    const { d, logger } = discovery({
      podIps: '10.0.0.5, 10.0.0.6,10.0.0.7',
      podIp: '10.0.0.6',
      podPort: 8443,
      instanceAddresses: 'a:1,b:2',
      serviceName: 'console',
      podNamespace: 'ops',
    });
    const result = await d.discover();
    expect(result.method).toBe('pod-ips');
    expect(result.peers.map((p) => p.url)).toEqual(['http://10.0.0.5:8443', 'http://10.0.0.7:8443']);
    expect(logger.lines[0]).toMatchObject({ level: 'info', obj: { method: 'pod-ips', count: 2 } });
  });

  it('uses INSTANCE_ADDRESSES next and recognises its own host:port', async () => {
    const { d } = discovery({
      instanceAddresses: ['127.0.0.1:3000', '127.0.0.1:3001', 'backend-1:3000', 'backend-2:3000', 'backend-2:3000'],
    });
    const result = await d.discover();
    expect(result.method).toBe('instance-addresses');
    // 127.0.0.1:3000 and backend-1:3000 are this replica; the duplicate appears once
    expect(result.peers.map((p) => p.url)).toEqual(['http://127.0.0.1:3001', 'http://backend-2:3000']);
  });

  it('learns its own port late when it listens on port 0', async () => {
    let port = 0;
    const { d } = discovery({ instanceAddresses: '127.0.0.1:4001,127.0.0.1:4002', ownPort: () => port });
    port = 4002;
    expect((await d.discover()).peers.map((p) => p.url)).toEqual(['http://127.0.0.1:4001']);
  });

  it('asks DNS for the headless Service and uses POD_PORT', async () => {
    const asked: string[] = [];
    const resolver: AddressResolver = async (name) => {
      asked.push(name);
      return ['10.1.0.4', '10.1.0.5', 'fd00::9'];
    };
    const { d } = discovery({ serviceName: 'console-headless', podNamespace: 'k8s-console', podIp: '10.1.0.4', podPort: 3000 }, resolver);
    const result = await d.discover();
    expect(asked).toEqual(['console-headless.k8s-console.svc.cluster.local']);
    expect(result.method).toBe('dns');
    expect(result.peers.map((p) => p.url)).toEqual(['http://10.1.0.5:3000', 'http://[fd00::9]:3000']);
  });

  it('asks DNS again on every call so scaling is followed, but logs only changes', async () => {
    let answer = ['10.1.0.5'];
    const { d, logger } = discovery({ serviceName: 's', podNamespace: 'n' }, async () => answer);
    await d.discover();
    await d.discover();
    answer = ['10.1.0.5', '10.1.0.6'];
    const result = await d.discover();
    expect(result.peers).toHaveLength(2);
    expect(logger.lines.filter((l) => l.level === 'info').map((l) => l.msg)).toEqual([
      'found 1 peer replica(s) by dns',
      'found 2 peer replica(s) by dns',
    ]);
  });

  it('returns no peer and warns when DNS fails', async () => {
    const { d, logger } = discovery({ serviceName: 's', podNamespace: 'n' }, async () => {
      throw new Error('ENOTFOUND');
    });
    const result = await d.discover();
    expect(result).toEqual({ method: 'dns', peers: [] });
    expect(logger.lines[0]).toMatchObject({ level: 'warn', obj: { err: 'ENOTFOUND' } });
  });

  it('reports none when nothing is configured', async () => {
    const { d, logger } = discovery({});
    expect(await d.discover()).toEqual({ method: 'none', peers: [] });
    expect(logger.lines[0]?.msg).toBe('found 0 peer replica(s) by none');
  });
});
