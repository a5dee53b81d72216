// A minimal apiserver for connection tests: GET /version over http or https (self-signed), with
// a bearer token it accepts, one it forbids, and an optional delay for timeouts.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export const GOOD_TOKEN = 'good-token-s3cr3t-7f1e';
export const FORBIDDEN_TOKEN = 'forbidden-token-9a2b';

export interface FakeApiserver {
  url: string;
  caPem?: string;
  /** ms to wait before answering */
  delayMs: number;
  requests: number;
  close(): Promise<void>;
}

export async function startFakeApiserver(opts: { tls?: boolean; hostname?: string } = {}): Promise<FakeApiserver> {
  const state = { delayMs: 0, requests: 0 };
  const handler: http.RequestListener = (req, res) => {
    state.requests++;
    setTimeout(() => {
      const auth = req.headers.authorization ?? '';
      if (req.url !== '/version') {
        res.writeHead(404).end();
      } else if (auth === `Bearer ${FORBIDDEN_TOKEN}`) {
        res.writeHead(403, { 'content-type': 'application/json' }).end('{"kind":"Status","code":403}');
      } else if (auth !== `Bearer ${GOOD_TOKEN}`) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"kind":"Status","code":401}');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ major: '1', minor: '31', gitVersion: 'v1.31.2-fake' }));
      }
    }, state.delayMs);
  };
  let server: http.Server;
  let caPem: string | undefined;
  if (opts.tls) {
    const pems = await generate([{ name: 'commonName', value: 'fake-apiserver' }], {
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
    });
    caPem = pems.cert;
    server = https.createServer({ key: pems.private, cert: pems.cert }, handler);
  } else {
    server = http.createServer(handler);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const fake: FakeApiserver = {
    url: `${opts.tls ? 'https' : 'http'}://${opts.hostname ?? '127.0.0.1'}:${port}`,
    caPem,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(v: number) {
      state.delayMs = v;
    },
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

/** A kubeconfig in YAML pointing at `server`, with an inline token (and CA, when given). */
export function kubeconfigFor(server: string, opts: { token?: string; caPem?: string; context?: string } = {}): string {
  const ca = opts.caPem ? `\n    certificate-authority-data: ${Buffer.from(opts.caPem).toString('base64')}` : '';
  const ctx = opts.context ?? 'main';
  return `apiVersion: v1
kind: Config
current-context: ${ctx}
clusters:
- name: c1
  cluster:
    server: ${server}${ca}
users:
- name: u1
  user:
    token: ${opts.token ?? GOOD_TOKEN}
contexts:
- name: ${ctx}
  context:
    cluster: c1
    user: u1
`;
}
