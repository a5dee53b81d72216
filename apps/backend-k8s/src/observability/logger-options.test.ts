import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { CENSOR, childLogger, loggerOptions, scrubSecrets } from './logger-options.js';

describe('scrubSecrets', () => {
  it('returns the same object when nothing in it is secret', () => {
    const line = { cluster: 'prod', res: { statusCode: 200 }, items: [{ name: 'a' }] };
    expect(scrubSecrets(line)).toBe(line);
  });

  it('replaces secret keys at any depth, in arrays, whatever their case, without touching the original', () => {
    const line = {
      req: { headers: { Authorization: 'Bearer abc', 'Sec-WebSocket-Protocol': 'base64url.bearer.authorization.k8s.io.xyz', accept: '*/*' } },
      clusters: [{ name: 'a', kubeconfig: 'apiVersion: v1' }],
      deep: { a: { b: { c: { refreshToken: 'r-1' } } } },
    };
    const scrubbed = scrubSecrets(line);
    expect(scrubbed).toEqual({
      req: { headers: { Authorization: CENSOR, 'Sec-WebSocket-Protocol': CENSOR, accept: '*/*' } },
      clusters: [{ name: 'a', kubeconfig: CENSOR }],
      deep: { a: { b: { c: { refreshToken: CENSOR } } } },
    });
    expect(line.req.headers.Authorization).toBe('Bearer abc');
    expect(line.clusters[0]!.kubeconfig).toBe('apiVersion: v1');
  });

  it('keeps an error an error (class, message, stack) while hiding its secret fields', () => {
    class ProxyFailure extends Error {
      constructor(readonly token: string) {
        super('the proxy said no');
      }
    }
    const err = new ProxyFailure('tok-123');
    const { err: scrubbed } = scrubSecrets({ err });
    expect(scrubbed).toBeInstanceOf(ProxyFailure);
    expect(scrubbed.message).toBe('the proxy said no');
    expect(scrubbed.stack).toBe(err.stack);
    expect(scrubbed.token).toBe(CENSOR);
    expect(err.token).toBe('tok-123');
  });

  it('leaves class instances (requests, buffers) to their serializers and censors what is too deep to read', () => {
    class FakeRequest {
      headers = { authorization: 'Bearer abc' };
    }
    const request = new FakeRequest();
    const body = Buffer.from('data');
    expect(scrubSecrets({ req: request, body })).toEqual({ req: request, body });
    const tooDeep = { a: { b: { c: { d: { e: { f: { g: 'x' } } } } } } };
    expect(JSON.stringify(scrubSecrets(tooDeep))).toContain(CENSOR);
  });
});

describe('loggerOptions', () => {
  it('scrubs what a line logs, and what a child logger made by childLogger was bound with', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const app = Fastify({ logger: { ...loggerOptions('info'), stream } });
    childLogger(app.log, { module: 'test', credentials: { token: 'bound-secret' } }).info({ password: 'line-secret', cluster: 'prod' }, 'hello');
    await app.close();
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'hello');
    expect(line).toMatchObject({ module: 'test', credentials: CENSOR, password: CENSOR, cluster: 'prod' });
    expect(lines.join('')).not.toMatch(/bound-secret|line-secret/);
  });
});
