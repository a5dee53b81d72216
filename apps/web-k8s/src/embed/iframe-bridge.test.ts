// The iframe side of the handshake: only the parent, only from an allowed origin, only valid
// protocol messages; replies addressed to allowed origins only, then to the host that spoke.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EMBED_CHANNEL, EMBED_PROTOCOL_VERSION, type HostToConsoleMessage } from '@k8s-console/contracts';
import { createIframeBridge, type IframeBridge } from './iframe-bridge';

const HOST = 'https://portal.example';
const envelope = { channel: EMBED_CHANNEL, version: EMBED_PROTOCOL_VERSION } as const;

function fakeParent() {
  const posted: { message: unknown; origin: string }[] = [];
  return { posted, postMessage: (message: unknown, origin: string) => void posted.push({ message, origin }) } as unknown as Window & {
    posted: { message: unknown; origin: string }[];
  };
}

describe('iframe bridge', () => {
  let bridge: IframeBridge | null = null;
  afterEach(() => bridge?.dispose());

  function setup() {
    const parent = fakeParent();
    const received: HostToConsoleMessage[] = [];
    bridge = createIframeBridge({ allowedOrigins: [HOST, 'https://other.example'], parent, onMessage: (m) => received.push(m) });
    const send = (data: unknown, origin = HOST, source: unknown = parent) =>
      window.dispatchEvent(new MessageEvent('message', { data, origin, source: source as Window }));
    return { parent, received, send };
  }

  it('addresses messages to each allowed origin until the host speaks, then to the host only', () => {
    const { parent, send } = setup();
    bridge!.post({ ...envelope, type: 'ready' });
    expect(parent.posted.map((p) => p.origin)).toEqual([HOST, 'https://other.example']);
    send({ ...envelope, type: 'appearance', theme: 'dark' });
    expect(bridge!.hostOrigin).toBe(HOST);
    parent.posted.length = 0;
    bridge!.post({ ...envelope, type: 'navigated', path: '/clusters' });
    expect(parent.posted).toEqual([{ message: { ...envelope, type: 'navigated', path: '/clusters' }, origin: HOST }]);
  });

  it('ignores foreign origins, other windows, other channels and versions, and malformed messages', () => {
    const { received, send } = setup();
    send({ ...envelope, type: 'navigate', path: '/x' }, 'https://evil.example');
    send({ ...envelope, type: 'navigate', path: '/x' }, HOST, window);
    send({ channel: 'other', version: 1, type: 'navigate', path: '/x' });
    send({ ...envelope, version: 2, type: 'navigate', path: '/x' });
    send({ ...envelope, type: 'navigate', path: 'https://evil.example/' });
    send({ ...envelope, type: 'navigate', path: '//evil.example/' });
    send({ ...envelope, type: 'token', token: '' });
    send('a string');
    expect(received).toEqual([]);
    expect(bridge!.hostOrigin).toBeNull();
    send({ ...envelope, type: 'navigate', path: '/clusters/a' });
    expect(received).toEqual([{ ...envelope, type: 'navigate', path: '/clusters/a' }]);
  });

  it('asks for a token and resolves with the host\'s answer, or null when none comes', async () => {
    vi.useFakeTimers();
    try {
      const { parent, received, send } = setup();
      const answer = bridge!.requestToken('expiring', 1000);
      expect(parent.posted.at(-1)?.message).toEqual({ ...envelope, type: 'token-request', reason: 'expiring' });
      send({ ...envelope, type: 'token', token: 'host.jwt.1' });
      await expect(answer).resolves.toBe('host.jwt.1');
      // an awaited token goes to the waiter, not also to onMessage
      expect(received).toEqual([]);

      const silence = bridge!.requestToken('unauthorized', 1000);
      vi.advanceTimersByTime(1000);
      await expect(silence).resolves.toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps what the host sends before the console listens, and hands it over in order', () => {
    const parent = fakeParent();
    bridge = createIframeBridge({ allowedOrigins: [HOST], parent });
    const send = (data: unknown, origin = HOST) => window.dispatchEvent(new MessageEvent('message', { data, origin, source: parent }));
    // a host answers `ready` with its token, theme and route at once, while the console is being built
    const firstToken = bridge.nextToken(60_000);
    send({ ...envelope, type: 'token', token: 'host.jwt.1' });
    send({ ...envelope, type: 'appearance', theme: 'dark' });
    send({ ...envelope, type: 'navigate', path: '/clusters/a' });
    send({ ...envelope, type: 'appearance', theme: 'dark' }, 'https://evil.example');
    send({ ...envelope, type: 'token', token: 'host.jwt.2' });
    void firstToken;

    const received: { message: HostToConsoleMessage; origin: string }[] = [];
    bridge.listen((message, origin) => received.push({ message, origin }));
    expect(received).toEqual([
      { message: { ...envelope, type: 'appearance', theme: 'dark', locale: undefined }, origin: HOST },
      { message: { ...envelope, type: 'navigate', path: '/clusters/a' }, origin: HOST },
      { message: { ...envelope, type: 'token', token: 'host.jwt.2' }, origin: HOST },
    ]);
    // and later ones go straight through
    send({ ...envelope, type: 'appearance', locale: 'zh-CN' });
    expect(received.at(-1)?.message).toEqual({ ...envelope, type: 'appearance', theme: undefined, locale: 'zh-CN' });
  });

  it('keeps a bounded number of early messages', () => {
    const parent = fakeParent();
    bridge = createIframeBridge({ allowedOrigins: [HOST], parent });
    for (let i = 0; i < 100; i++) {
      window.dispatchEvent(new MessageEvent('message', { data: { ...envelope, type: 'navigate', path: `/p${i}` }, origin: HOST, source: parent }));
    }
    const paths: string[] = [];
    bridge.listen((m) => m.type === 'navigate' && paths.push(m.path));
    expect(paths).toHaveLength(32);
    expect(paths.at(-1)).toBe('/p99');
  });

  it('stops listening when disposed and releases waiters', async () => {
    const { received, send } = setup();
    const waiting = bridge!.nextToken(60_000);
    bridge!.dispose();
    await expect(waiting).resolves.toBeNull();
    send({ ...envelope, type: 'navigate', path: '/clusters' });
    expect(received).toEqual([]);
  });
});
