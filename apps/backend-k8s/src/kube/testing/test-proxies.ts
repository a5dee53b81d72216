// Test-only: the proxies a kubeconfig's proxy-url can name, real enough for clients nobody here
// wrote: an HTTP CONNECT proxy (as squid or a corporate proxy) and a SOCKS5 proxy (RFC 1928: no
// authentication, CONNECT to an IPv4 address). Each records the tunnels it opened.
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
    const [host, port] = req.url!.split(':');
    pipeTo(client, host!, Number(port), () => client.write('HTTP/1.1 200 Connection Established\r\n\r\n'), open);
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
        const host = [...req.subarray(4, 8)].join('.');
        const port = req.readUInt16BE(8);
        tunnels.push(`socks ${host}:${port}`);
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
