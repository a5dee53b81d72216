import { describe, expect, it } from 'vitest';
import { WATCH_PROTOCOL, type WatchServerMessage } from '@k8s-console/contracts';
import { createWatchHub, tokenProtocol, webSocketUrl, type WatchHandlers, type WatchHubOptions } from './watch-hub';

/** A WebSocket stand-in the test drives: it records frames and lets the test open, answer and drop it. */
class FakeSocket {
  static all: FakeSocket[] = [];
  sent: unknown[] = [];
  closed = false;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(
    public url: string,
    public protocols: string[],
  ) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
  }
  serverOpen() {
    this.onopen?.();
  }
  serverSend(message: WatchServerMessage) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  serverDrop() {
    this.onclose?.();
  }
}

function manualTimers() {
  const timers = new Map<number, () => void>();
  const delays: number[] = [];
  let next = 1;
  return {
    delays,
    setTimer: (fn: () => void, ms: number) => {
      const id = next++;
      timers.set(id, fn);
      delays.push(ms);
      return id;
    },
    clearTimer: (id: unknown) => void timers.delete(id as number),
    runAll: async () => {
      const fns = [...timers.values()];
      timers.clear();
      for (const fn of fns) fn();
      await new Promise((r) => setTimeout(r, 0));
    },
    count: () => timers.size,
  };
}

/** A hub on FakeSockets (the list reset) and manual timers; a test gives what it needs otherwise. */
function fakeHub(options: Partial<WatchHubOptions> = {}) {
  FakeSocket.all = [];
  const timers = manualTimers();
  const hub = createWatchHub({
    url: 'ws://x/api/v1/ws',
    getToken: () => 'tok',
    createSocket: (url, protocols) => new FakeSocket(url, protocols) as unknown as WebSocket,
    ...timers,
    ...options,
  });
  return { hub, timers };
}

function recorder() {
  const log: string[] = [];
  const handlers: WatchHandlers = {
    snapshot: (m) => log.push(`snapshot:${m.rows?.map((r) => r.name).join(',')}:${m.complete}`),
    event: (m) => log.push(`${m.event}:${m.row?.name}`),
    error: (m) => log.push(`error:${m.code}:${m.fatal}`),
    disconnected: () => log.push('disconnected'),
  };
  return { log, handlers };
}

const target = { cluster: 'c1', group: '', version: 'v1', resource: 'pods', mode: 'rows' as const };
const row = (name: string) => ({ uid: name, name, resourceVersion: '1', cells: [name] });

describe('watch hub client', () => {
  it('offers the token as a subprotocol, never in the URL', () => {
    expect(tokenProtocol('a.b/c+d')).toBe('base64url.bearer.authorization.k8s.io.YS5iL2MrZA');
    expect(webSocketUrl('/k8s-api/v1/ws', 'https://host.example/k8s/clusters')).toBe('wss://host.example/k8s-api/v1/ws');
  });

  it('multiplexes subscriptions on one socket and routes messages by id', () => {
    const { hub } = fakeHub({ getToken: () => 'tok' });
    const a = recorder();
    const b = recorder();
    hub.subscribe(target, a.handlers);
    hub.subscribe({ ...target, resource: 'services', namespace: 'web' }, b.handlers);
    expect(FakeSocket.all).toHaveLength(1);
    const ws = FakeSocket.all[0]!;
    expect(ws.url).toBe('ws://x/api/v1/ws');
    expect(ws.protocols).toEqual([WATCH_PROTOCOL, tokenProtocol('tok')]);
    ws.serverOpen();
    expect(ws.sent).toEqual([
      { type: 'subscribe', id: 's1', ...target },
      { type: 'subscribe', id: 's2', ...target, resource: 'services', namespace: 'web' },
    ]);
    ws.serverSend({ type: 'snapshot', id: 's1', resourceVersion: '5', rows: [row('p1')], complete: false });
    ws.serverSend({ type: 'snapshot', id: 's1', resourceVersion: '5', rows: [row('p2')], complete: true });
    ws.serverSend({ type: 'event', id: 's2', event: 'ADDED', row: row('svc') });
    ws.serverSend({ type: 'error', id: 's2', code: 'FORBIDDEN', message: 'no', fatal: true });
    expect(a.log).toEqual(['snapshot:p1:false', 'snapshot:p2:true']);
    expect(b.log).toEqual(['ADDED:svc', 'error:FORBIDDEN:true']);
  });

  it('reconnects after a drop, renewing the token first, and subscribes again', async () => {
    let token = 'old';
    const { hub, timers } = fakeHub({
      getToken: () => token,
      beforeReconnect: async () => {
        token = 'new';
      },
    });
    const a = recorder();
    hub.subscribe(target, a.handlers);
    FakeSocket.all[0]!.serverOpen();
    FakeSocket.all[0]!.serverDrop();
    expect(a.log).toEqual(['disconnected']);
    await timers.runAll();
    expect(FakeSocket.all).toHaveLength(2);
    const second = FakeSocket.all[1]!;
    expect(second.protocols).toEqual([WATCH_PROTOCOL, tokenProtocol('new')]);
    second.serverOpen();
    expect(second.sent).toEqual([{ type: 'subscribe', id: 's1', ...target }]);
  });

  it('unsubscribes and closes the socket a while after the last subscription ends', async () => {
    const { hub, timers } = fakeHub({ getToken: () => null });
    const stop = hub.subscribe(target, recorder().handlers);
    const ws = FakeSocket.all[0]!;
    expect(ws.protocols).toEqual([WATCH_PROTOCOL]);
    ws.serverOpen();
    stop();
    expect(ws.sent.at(-1)).toEqual({ type: 'unsubscribe', id: 's1' });
    expect(ws.closed).toBe(false);
    await timers.runAll();
    expect(ws.closed).toBe(true);
    // a dropped idle socket does not come back
    ws.serverDrop();
    expect(timers.count()).toBe(0);
    hub.close();
  });

  it("drops an error about a subscription already ended instead of showing it in the lists shown now", () => {
    const { hub } = fakeHub({ getToken: () => 'tok' });
    const old = recorder();
    const stopOld = hub.subscribe({ ...target, namespace: 'secret-team' }, old.handlers);
    const ws = FakeSocket.all[0]!;
    ws.serverOpen();
    // the user switches namespace: s1 ends, s2 starts; the server's answers to s1 are still on the way
    stopOld();
    const current = recorder();
    hub.subscribe({ ...target, namespace: 'web' }, current.handlers);
    ws.serverSend({ type: 'error', id: 's1', code: 'FORBIDDEN', message: 'pods is forbidden in secret-team', fatal: true });
    ws.serverSend({ type: 'error', id: 's1', code: 'UPSTREAM_ERROR', message: 'retrying', fatal: false });
    ws.serverSend({ type: 'snapshot', id: 's1', resourceVersion: '1', rows: [row('old')], complete: true });
    expect(current.log).toEqual([]);
    expect(old.log).toEqual([]);
    // an error about the socket itself (no id) still reaches every list
    ws.serverSend({ type: 'error', code: 'INVALID_MESSAGE', message: 'bad frame', fatal: false });
    expect(current.log).toEqual(['error:INVALID_MESSAGE:false']);
    hub.close();
  });

  it('reconnect() drops the socket of the previous user and subscribes again with the current token', async () => {
    let token = 'alice';
    const { hub, timers } = fakeHub({ getToken: () => token });
    const a = recorder();
    hub.subscribe(target, a.handlers);
    const first = FakeSocket.all[0]!;
    first.serverOpen();
    token = 'bob';
    hub.reconnect();
    expect(first.closed).toBe(true);
    expect(a.log).toEqual(['disconnected']);
    expect(FakeSocket.all).toHaveLength(2);
    const second = FakeSocket.all[1]!;
    expect(second.protocols).toEqual([WATCH_PROTOCOL, tokenProtocol('bob')]);
    second.serverOpen();
    expect(second.sent).toEqual([{ type: 'subscribe', id: 's1', ...target }]);
    // the old socket's close and late frames change nothing
    first.serverSend({ type: 'snapshot', id: 's1', resourceVersion: '1', rows: [row('alice-only')], complete: true });
    first.serverDrop();
    expect(a.log).toEqual(['disconnected']);
    expect(timers.count()).toBe(0);

    // an idle socket (no lists open, waiting for its idle close) is simply dropped
    const stop = hub.subscribe({ ...target, resource: 'services' }, recorder().handlers);
    hub.reconnect();
    stop();
    hub.close();
  });

  it('reconnect() without open lists closes an idle socket so a new sign-in cannot reuse it', () => {
    const { hub } = fakeHub({ getToken: () => 'alice' });
    const stop = hub.subscribe(target, recorder().handlers);
    FakeSocket.all[0]!.serverOpen();
    stop(); // idle: the socket would stay 5 s
    hub.reconnect();
    expect(FakeSocket.all[0]!.closed).toBe(true);
    // the next list (another user's) opens a socket of its own
    hub.subscribe(target, recorder().handlers);
    expect(FakeSocket.all).toHaveLength(2);
    hub.close();
  });

  it('ignores the late open of a socket reconnect() dropped while it was connecting', () => {
    const { hub } = fakeHub({ getToken: () => 'tok' });
    hub.subscribe(target, recorder().handlers);
    const [first] = FakeSocket.all;
    hub.reconnect();
    const second = FakeSocket.all[1]!;
    first!.serverOpen();
    expect(first!.sent).toEqual([]);
    expect(second.sent).toEqual([]); // not sent on a socket still connecting
    second.serverOpen();
    expect(second.sent).toEqual([{ type: 'subscribe', id: 's1', ...target }]);
    hub.close();
  });

  it('backs off further each time the server drops the socket soon after it opened, and starts over after a stable one', async () => {
    let clock = 0;
    const { hub, timers } = fakeHub({
      getToken: () => 't',
      now: () => clock,
    });
    hub.subscribe(target, recorder().handlers);
    // e.g. closed as too slow (4008) right after each snapshot
    for (let i = 0; i < 5; i++) {
      FakeSocket.all.at(-1)!.serverOpen();
      clock += 1000;
      FakeSocket.all.at(-1)!.serverDrop();
      await timers.runAll();
    }
    // 500, 1000, 2000, 4000, 8000 ms, each with jitter between half and all of it
    expect(timers.delays[4]).toBeGreaterThanOrEqual(4000);
    FakeSocket.all.at(-1)!.serverOpen();
    clock += 60_000;
    FakeSocket.all.at(-1)!.serverDrop();
    expect(timers.delays.at(-1)).toBeLessThanOrEqual(500);
    hub.close();
  });
});
