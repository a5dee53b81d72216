import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORBIDDEN_TOKEN, GOOD_TOKEN, startFakeApiserver, type FakeApiserver } from '../../test/fake-apiserver.js';
import { testConnection } from './connection-test.js';

describe('testConnection', () => {
  let plain: FakeApiserver;
  let tls: FakeApiserver;
  beforeAll(async () => {
    plain = await startFakeApiserver();
    tls = await startFakeApiserver({ tls: true });
  });
  afterAll(async () => {
    await plain.close();
    await tls.close();
  });

  it('returns the gitVersion when the cluster answers', async () => {
    const r = await testConnection({ server: plain.url, token: GOOD_TOKEN }, 2000);
    expect(r).toMatchObject({ ok: true, version: 'v1.31.2-fake', server: plain.url });
  });

  it('says 401 in words', async () => {
    const r = await testConnection({ server: plain.url, token: 'wrong' }, 2000);
    expect(r.error).toEqual({ code: 'UNAUTHORIZED', message: expect.stringContaining('rejected the credentials (401)') });
  });

  it('says 403 in words', async () => {
    const r = await testConnection({ server: plain.url, token: FORBIDDEN_TOKEN }, 2000);
    expect(r.error?.code).toBe('FORBIDDEN');
    expect(r.error?.message).toContain('may not read /version (403)');
  });

  it('never shows the password of a proxy-url it cannot use', async () => {
    // a row stored by an older version, or any credentials not checked by the kubeconfig parser
    const r = await testConnection({ server: plain.url, token: GOOD_TOKEN, proxyUrl: 'ftp://proxy-user:proxy-pass-123@proxy.example:2121' }, 2000);
    expect(r.ok).toBe(false);
    expect(r.error?.message).toContain('ftp://proxy.example:2121');
    expect(JSON.stringify(r)).not.toMatch(/proxy-pass-123|proxy-user/);
  });

  it('says DNS when the host does not resolve', async () => {
    const r = await testConnection({ server: 'https://no-such-host.invalid:6443', token: GOOD_TOKEN }, 2000);
    expect(r.error?.code).toBe('DNS');
    expect(r.error?.message).toContain('"no-such-host.invalid" does not resolve');
  });

  it('says REFUSED when nothing listens', async () => {
    const r = await testConnection({ server: 'http://127.0.0.1:1', token: GOOD_TOKEN }, 2000);
    expect(r.error?.code).toBe('REFUSED');
  });

  it('says TIMEOUT when the answer takes too long', async () => {
    plain.delayMs = 1000;
    try {
      const r = await testConnection({ server: plain.url, token: GOOD_TOKEN }, 200);
      expect(r.error?.code).toBe('TIMEOUT');
      expect(r.error?.message).toContain('within 0.2 s');
    } finally {
      plain.delayMs = 0;
    }
  });

  it('says TLS when the certificate is not trusted, and succeeds with its CA', async () => {
    const untrusted = await testConnection({ server: tls.url, token: GOOD_TOKEN }, 2000);
    expect(untrusted.error?.code).toBe('TLS');
    expect(untrusted.error?.message).toContain('certificate-authority-data');
    const trusted = await testConnection({ server: tls.url, token: GOOD_TOKEN, caPem: tls.caPem }, 2000);
    expect(trusted.ok).toBe(true);
  });

  it('says TLS on a host name mismatch and honours tls-server-name', async () => {
    const viaLocalhostName = tls.url.replace('127.0.0.1', 'localhost');
    const ok = await testConnection({ server: viaLocalhostName, token: GOOD_TOKEN, caPem: tls.caPem }, 2000);
    expect(ok.ok).toBe(true);
    const mismatch = await testConnection({ server: tls.url, token: GOOD_TOKEN, caPem: tls.caPem, tlsServerName: 'other.example' }, 2000);
    expect(mismatch.error?.code).toBe('TLS');
  });
});

describe('testConnection through proxy-url and exec plugins', () => {
  it('goes through an HTTP CONNECT proxy named by proxy-url', async () => {
    const tls = await startFakeApiserver({ tls: true });
    const tunnels: string[] = [];
    const proxy = http.createServer();
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const r = await testConnection({ server: tls.url, token: GOOD_TOKEN, caPem: tls.caPem, proxyUrl }, 2000);
      expect(r).toMatchObject({ ok: true, version: 'v1.31.2-fake' });
      expect(tunnels).toEqual([new URL(tls.url).host]);
    } finally {
      proxy.closeAllConnections();
      proxy.close();
      await tls.close();
    }
  });

  it('runs an allowed exec plugin for the token, without the backend\'s environment', async () => {
    const plain = await startFakeApiserver();
    process.env.JWT_SECRET_FOR_EXEC_TEST = 'must-not-reach-the-plugin';
    try {
      // The plugin answers with the token only if it cannot see the backend's variable and sees its own.
      const script = `const leaked = 'JWT_SECRET_FOR_EXEC_TEST' in process.env;
        process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential',
          status: { token: !leaked && process.env.REGION === 'eu' ? ${JSON.stringify(GOOD_TOKEN)} : 'leaked' } }));`;
      const exec = { command: process.execPath, args: ['-e', script], env: [{ name: 'REGION', value: 'eu' }], apiVersion: 'client.authentication.k8s.io/v1' };
      expect(await testConnection({ server: plain.url, exec }, 5000)).toMatchObject({ ok: true });
      const failing = await testConnection({ server: plain.url, exec: { ...exec, args: ['-e', 'process.exit(3)'] } }, 5000);
      expect(failing.error).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringContaining('did not produce credentials: failed (exit 3)') });
      // what the plugin wrote to stderr stays out of the answer: plugins echo credentials there
      const noisy = await testConnection({ server: plain.url, exec: { ...exec, args: ['-e', 'console.error("token: s3cr3t-from-plugin"); process.exit(2)'] } }, 5000);
      expect(JSON.stringify(noisy)).not.toContain('s3cr3t-from-plugin');
      expect(noisy.error?.message).toContain('bytes to stderr, not shown');
    } finally {
      delete process.env.JWT_SECRET_FOR_EXEC_TEST;
      await plain.close();
    }
  });
});
