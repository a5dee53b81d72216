// A terminal reaches a cluster behind a kubeconfig proxy-url the way the proxy does (undici's
// ProxyAgent / Socks5ProxyAgent there): a tunnel through the proxy (HTTP CONNECT for http:// and
// https:// proxies, SOCKS5 for socks5://), then the apiserver's TLS inside it. The `ws` client
// takes a Node Agent, so this is one whose createConnection opens the tunnel.
import http from 'node:http';
import https from 'node:https';
import net, { isIP } from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';

type Callback = (err: Error | null, socket?: Duplex) => void;

/**
 * How long a proxy may take to open a tunnel. The `ws` client's handshake timeout starts only once
 * it has a socket, so without this a proxy that never answers would hold its connection forever.
 */
export const TUNNEL_TIMEOUT_MS = 15_000;

/** An Agent for `ws` that dials host:port through the proxy; undefined without a proxy-url. */
export function tunnelAgent(proxyUrl: string | undefined, secure: boolean): http.Agent | undefined {
  if (!proxyUrl) return undefined;
  const proxy = new URL(proxyUrl);
  const agent = secure ? new https.Agent() : new http.Agent();
  const createConnection = (options: tls.ConnectionOptions & { host?: string; port?: number | string }, callback: Callback) => {
    openTunnel(proxy, options.host ?? 'localhost', Number(options.port)).then(
      (socket) => callback(null, secure ? tls.connect({ ...options, socket }) : socket),
      (err: Error) => callback(err),
    );
    return undefined; // the socket comes through the callback
  };
  (agent as unknown as { createConnection: typeof createConnection }).createConnection = createConnection;
  return agent;
}

function proxyCredentials(proxy: URL): { username: string; password: string } | undefined {
  return proxy.username ? { username: decodeURIComponent(proxy.username), password: decodeURIComponent(proxy.password) } : undefined;
}

/** A tunnel through the proxy to host:port (host as Node gives it: an IPv6 address without brackets). */
export function openTunnel(proxy: URL, host: string, port: number, timeoutMs = TUNNEL_TIMEOUT_MS): Promise<net.Socket> {
  return proxy.protocol === 'socks5:' ? socks5Tunnel(proxy, host, port, timeoutMs) : connectTunnel(proxy, host, port, timeoutMs);
}

/** URL keeps an IPv6 host's brackets in `hostname`; Node's connect wants the bare address. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** host:port as an authority: an IPv6 address in brackets (RFC 9110's CONNECT target). */
function authority(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

function connectTunnel(proxy: URL, host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const target = authority(host, port);
    const auth = proxyCredentials(proxy);
    const req = (proxy.protocol === 'https:' ? https : http).request({
      host: bareHost(proxy),
      agent: false, // a tunnel's socket is its own, never a pooled one
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers: { host: target, ...(auth ? { 'proxy-authorization': `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` } : {}) },
    });
    req.once('connect', (res, socket) => {
      if (res.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(new Error(`the proxy ${proxy.host} refused the tunnel to ${target} (HTTP ${res.statusCode})`));
    });
    req.once('error', (err) => reject(new Error(`the proxy ${proxy.host} is unreachable (${err.message})`)));
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`the proxy ${proxy.host} did not open the tunnel to ${target} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    req.once('close', () => clearTimeout(timer));
    req.once('connect', () => clearTimeout(timer));
    req.end();
  });
}

/** RFC 1928 CONNECT, with RFC 1929 user/password when the proxy-url carries them. */
function socks5Tunnel(proxy: URL, host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(proxy.port || 1080), bareHost(proxy));
    const auth = proxyCredentials(proxy);
    let buffered = Buffer.alloc(0);
    let step: 'greeting' | 'auth' | 'connect' = 'greeting';
    const fail = (message: string) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new Error(`socks5 proxy ${proxy.host}: ${message}`));
    };
    const timer = setTimeout(() => fail(`did not open the tunnel to ${authority(host, port)} within ${timeoutMs / 1000} s`), timeoutMs);
    const sendConnect = () => {
      step = 'connect';
      const portBytes = Buffer.alloc(2);
      portBytes.writeUInt16BE(port);
      socket.write(Buffer.concat([Buffer.from([5, 1, 0]), socksAddress(host), portBytes]));
    };
    socket.on('data', function onData(chunk: Buffer) {
      buffered = Buffer.concat([buffered, chunk]);
      if (step === 'greeting') {
        if (buffered.length < 2) return;
        const method = buffered[1];
        buffered = buffered.subarray(2);
        if (method === 0) return sendConnect();
        if (method === 2 && auth) {
          step = 'auth';
          const user = Buffer.from(auth.username);
          const pass = Buffer.from(auth.password);
          socket.write(Buffer.concat([Buffer.from([1, user.length]), user, Buffer.from([pass.length]), pass]));
          return;
        }
        return fail('no acceptable authentication method');
      }
      if (step === 'auth') {
        if (buffered.length < 2) return;
        if (buffered[1] !== 0) return fail('user or password refused');
        buffered = buffered.subarray(2);
        return sendConnect();
      }
      // connect reply: VER REP RSV ATYP BND.ADDR BND.PORT
      if (buffered.length < 5) return;
      if (buffered[1] !== 0) return fail(`CONNECT to ${host}:${port} refused (reply ${buffered[1]})`);
      const atyp = buffered[3];
      const length = 4 + (atyp === 1 ? 4 : atyp === 4 ? 16 : 1 + buffered[4]!) + 2;
      if (buffered.length < length) return;
      clearTimeout(timer);
      socket.off('data', onData);
      const rest = buffered.subarray(length);
      if (rest.length) socket.unshift(rest);
      resolve(socket);
    });
    socket.once('connect', () => socket.write(auth ? Buffer.from([5, 2, 0, 2]) : Buffer.from([5, 1, 0])));
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`socks5 proxy ${proxy.host} is unreachable (${err.message})`));
    });
  });
}

/** ATYP and DST.ADDR of a SOCKS5 request: an IPv4 or IPv6 address as bytes, else a domain name. */
function socksAddress(host: string): Buffer {
  const family = isIP(host);
  if (family === 4) return Buffer.from([1, ...host.split('.').map(Number)]);
  if (family === 6) return Buffer.concat([Buffer.from([4]), ipv6Bytes(host)]);
  return Buffer.concat([Buffer.from([3, Buffer.byteLength(host)]), Buffer.from(host)]);
}

/** The 16 bytes of a valid IPv6 address (as net.isIP accepts it: `::` and a dotted IPv4 tail allowed). */
export function ipv6Bytes(address: string): Buffer {
  let text = address.replace(/%.*$/, ''); // a zone id names an interface, not part of the address
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}
