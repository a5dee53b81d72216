// WatchSession on its own, with a socket that never drains and a scripted hub: what the real
// socket and kernel buffers make hard to pin down over the network.
import { EventEmitter } from 'node:events';
import { WatchCloseCode } from '@k8s-console/contracts';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { allowAuthenticated } from '../../rbac/authorizer.js';
import type { UpstreamListener } from './upstream-watch.js';
import type { WatchHub } from './watch-hub.js';
import { WatchSession } from './watch-session.js';

/** What the session uses of a ws WebSocket; bufferedAmount stays where a test puts it. */
class StuckSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  closedWith: number | undefined;
  send(data: string) {
    this.sent.push(data);
  }
  close(code: number) {
    this.closedWith = code;
    this.readyState = 3;
  }
  terminate() {}
  ping() {}
}

describe('WatchSession', () => {
  it('drops a client that stops reading while its snapshot goes out, before the events queued behind it grow past the buffer limit', async () => {
    const socket = new StuckSocket();
    let listener: UpstreamListener | undefined;
    const items = Array.from({ length: 20 }, (_, i) => JSON.stringify({ metadata: { name: `cm-${i}` }, data: { blob: 'x'.repeat(1000) } }));
    const hub = {
      options: { maxBufferedBytes: 4 * 1024 * 1024 },
      metrics: { slowClientsDropped: { inc() {} }, eventsSent: { inc() {} }, subscribers: { inc() {}, dec() {} } },
      subscribe(_target: unknown, l: UpstreamListener) {
        listener = l;
        const upstream = { synced: true, snapshot: () => items, lastResourceVersion: '7', columns: undefined, partialSnapshot: () => [] };
        return { upstream, close() {} };
      },
    } as unknown as WatchHub;
    const session = new WatchSession(socket as unknown as WebSocket, { userId: 'u1', username: 'u', groups: [] }, {
      hub,
      authorizer: () => allowAuthenticated,
      resolveCluster: async () => ({}),
      snapshotChunkBytes: 4096, // several frames, so the session waits for the socket between them
    });
    socket.bufferedAmount = 2 * 1024 * 1024; // the client reads nothing: above the low-water mark for good
    const subscribe = { type: 'subscribe', id: 'cms', cluster: '00000000-0000-4000-8000-000000000001', group: '', version: 'v1', resource: 'configmaps', namespace: 'a', mode: 'objects' };
    socket.emit('message', Buffer.from(JSON.stringify(subscribe)), false);
    await expect.poll(() => socket.sent.length).toBeGreaterThan(0); // the first snapshot frame
    // changes keep coming while the rest of the snapshot waits: 100 KB each, far fewer than the count limit
    const big = JSON.stringify({ metadata: { name: 'cm-0' }, data: { blob: 'y'.repeat(100_000) } });
    for (let i = 0; i < 100 && socket.closedWith === undefined; i++) listener!.event!('MODIFIED', big);
    expect(socket.closedWith).toBe(WatchCloseCode.TooSlow);
    session.shutdown();
  });
});
