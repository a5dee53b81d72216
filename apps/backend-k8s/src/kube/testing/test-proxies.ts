// Test-only: the proxies a kubeconfig's proxy-url can name, real enough for clients nobody here
// wrote: an HTTP CONNECT proxy (as squid or a corporate proxy) and a SOCKS5 proxy (RFC 1928: no
// authentication, CONNECT to an IPv4, IPv6 or domain address). Each records the tunnels it opened,
// with the target as the client sent it.
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface TestProxy {
  url: string;
  /** `connect host:port` or `socks host:port`, one per tunnel */
  tunnels: string[];
  close(): Promise<void>;
}

function pipeTo(client: net.Socket, host: string, port: number, onOpen: () => void, open: Set<net.Socket>): void {
  open.add(client);
  client.on('close', () => open.delete(client));
  const target = net.connect(port, host, () => {
    onOpen();
    target.pipe(client).pipe(target);
  });
  target.on('error', () => client.destroy());
  client.on('error', () => target.destroy());
}

export async function startConnectProxy(): Promise<TestProxy> {
  const tunnels: string[] = [];
  // tunnels leave the HTTP server's bookkeeping: closing must end them itself
  const open = new Set<net.Socket>();
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
    tunnels.push(`connect ${req.url}`);
    const target = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(req.url!);
    if (!target) {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    pipeTo(client, target[1] ?? target[2]!, Number(target[3]), () => client.write('HTTP/1.1 200 Connection Established\r\n\r\n'), open);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    async close() {
      for (const socket of open) socket.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export async function startSocksProxy(): Promise<TestProxy> {
  const tunnels: string[] = [];
  const clients = new Set<net.Socket>();
  const server = net.createServer((client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.once('data', () => {
      client.write(Buffer.from([5, 0]));
      client.once('data', (req) => {
        const { host, end } = socksTarget(req);
        const port = req.readUInt16BE(end);
        // an IPv6 address (ATYP 4) in brackets; a domain name as it came, whatever it holds
        tunnels.push(`socks ${req[3] === 4 ? `[${host}]` : host}:${port}`);
        pipeTo(client, host, port, () => client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0])), clients);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `socks5://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    async close() {
      for (const c of clients) c.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** DST.ADDR of a SOCKS5 CONNECT request and where DST.PORT starts. */
function socksTarget(req: Buffer): { host: string; end: number } {
  const atyp = req[3];
  if (atyp === 1) return { host: [...req.subarray(4, 8)].join('.'), end: 8 };
  if (atyp === 4) {
    const groups: string[] = [];
    for (let i = 4; i < 20; i += 2) groups.push(req.readUInt16BE(i).toString(16));
    return { host: groups.join(':'), end: 20 };
  }
  const length = req[4]!;
  return { host: req.toString('latin1', 5, 5 + length), end: 5 + length };
}
