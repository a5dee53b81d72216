// Tunnels through a kubeconfig proxy-url, against the test proxies: IPv6 targets in both protocols'
// own spelling, and a proxy that never answers is given up on instead of holding its connection.
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConnectProxy, startSocksProxy, type TestProxy } from '../kube/testing/test-proxies.js';
import { ipv6Bytes, openTunnel } from './proxy-tunnel.js';

/** A TCP server on ::1 that answers each line with "echo: <line>". */
async function startEchoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (data) => socket.write(`echo: ${data.toString()}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function roundTrip(socket: net.Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('data', (data) => resolve(data.toString()));
    socket.once('error', reject);
    socket.write(text);
  });
}

describe('openTunnel', () => {
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  const proxies: TestProxy[] = [];

  beforeAll(async () => {
    echo = await startEchoServer();
    proxies.push(await startConnectProxy(), await startSocksProxy());
  });
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await echo?.close();
  });

  it.each([0, 1])('reaches an IPv6 address through the proxy (%#: CONNECT, SOCKS5)', async (i) => {
    const proxy = proxies[i]!;
    const socket = await openTunnel(new URL(proxy.url), '::1', echo.port);
    try {
      expect(await roundTrip(socket, 'hello')).toBe('echo: hello');
      // CONNECT's target is an authority (brackets); SOCKS5 sends the 16 address bytes (ATYP 4)
      expect(proxy.tunnels.at(-1)).toMatch(new RegExp(`^(connect|socks) \\[(::1|0:0:0:0:0:0:0:1)\\]:${echo.port}$`));
    } finally {
      socket.destroy();
    }
  });

  it.each(['http', 'socks5'])('gives up on a %s proxy that accepts the connection and never answers', async (scheme) => {
    const held = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      socket.resume(); // reads (and drops) the greeting, so the client's close is seen
      held.add(socket);
      socket.on('close', () => held.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      await expect(openTunnel(new URL(`${scheme}://127.0.0.1:${port}`), '127.0.0.1', 6443, 200)).rejects.toThrow(
        /did not open the tunnel to 127\.0\.0\.1:6443 within 0\.2 s/,
      );
      // the connection to the proxy is closed, not left open
      await expect.poll(() => held.size).toBe(0);
    } finally {
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('writes IPv6 addresses as their 16 bytes', () => {
    expect(ipv6Bytes('::1').toString('hex')).toBe('00000000000000000000000000000001');
    expect(ipv6Bytes('fe80::1:2%eth0').toString('hex')).toBe('fe800000000000000000000000010002');
    expect(ipv6Bytes('2001:db8::').toString('hex')).toBe('20010db8000000000000000000000000');
    expect(ipv6Bytes('::ffff:10.1.2.3').toString('hex')).toBe('00000000000000000000ffff0a010203');
    expect(ipv6Bytes('1:2:3:4:5:6:7:8').toString('hex')).toBe('00010002000300040005000600070008');
  });
});
