/* eslint-disable vue/one-component-per-file -- each harness mounts its own tiny component */
import { describe, expect, it } from 'vitest';
import { createApp, defineComponent, h, nextTick, ref } from 'vue';
import type { WatchRow } from '@k8s-console/contracts';
import { createApiClient } from '#/api/client';
import { API_CLIENT } from '#/api/context';
import { WATCH_HUB } from '#/api/watch-hub-context';
import type { WatchHandlers, WatchHub, WatchTarget } from '#/api/watch-hub';
import { useResourceListFeed, type ResourceListQuery } from './resource-list-feed';

const columns = [
  { name: 'Name', type: 'string', format: 'name', priority: 0 },
  { name: 'Status', type: 'string', priority: 0 },
];
const row = (name: string, status = 'Running'): WatchRow => ({ uid: `uid-${name}`, name, namespace: 'shop', resourceVersion: '1', cells: [name, status] });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Mounts a component that uses the feed, with a hub the test drives and an HTTP API that answers a Table page. */
function mountFeed(
  query: ResourceListQuery,
  tablePage: { delayMs: number; rows: string[] },
  /** pages by continue token, instead of the one page */
  pages?: (continueToken: string | null) => { rows: string[]; next?: string },
) {
  const subscriptions: Array<{ target: WatchTarget; handlers: WatchHandlers; active: boolean }> = [];
  const hub: WatchHub = {
    subscribe(target, handlers) {
      const sub = { target, handlers, active: true };
      subscriptions.push(sub);
      return () => void (sub.active = false);
    },
    reconnect() {},
    close() {},
  };
  const client = createApiClient({
    baseUrl: '/api',
    tokens: { getAccessToken: () => 't' },
    fetch: (async (input: RequestInfo | URL) => {
      await wait(tablePage.delayMs);
      let page: { rows: string[]; next?: string };
      try {
        page = pages?.(new URL(String(input), 'http://x').searchParams.get('continue')) ?? { rows: tablePage.rows };
      } catch {
        return new Response(JSON.stringify({ kind: 'Status', reason: 'Forbidden', code: 403, message: 'pods is forbidden' }), {
          status: 403,
          headers: { 'content-type': 'application/json' },
        });
      }
      const body = {
        kind: 'Table',
        apiVersion: 'meta.k8s.io/v1',
        metadata: page.next ? { continue: page.next } : {},
        columnDefinitions: columns,
        rows: page.rows.map((n) => ({ cells: [n, 'Running'], object: { metadata: { name: n, uid: `uid-${n}` } } })),
      };
      return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    }) as typeof fetch,
  });
  const q = ref(query);
  let feed!: ReturnType<typeof useResourceListFeed>;
  const app = createApp(
    defineComponent({
      setup() {
        feed = useResourceListFeed(q);
        return () => h('div');
      },
    }),
  );
  app.provide(API_CLIENT, client);
  app.provide(WATCH_HUB, hub);
  app.mount(document.createElement('div'));
  return { feed, subscriptions, query: q, unmount: () => app.unmount() };
}

const names = (feed: ReturnType<typeof useResourceListFeed>) => feed.state.rows.value.map((r) => r.name);
const pods = { group: '', version: 'v1', resource: 'pods', namespaced: true };

describe('resource list feed (live)', () => {
  it('subscribes in rows mode, shows the snapshot, then batched deltas', async () => {
    const { feed, subscriptions, unmount } = mountFeed({ cluster: 'c1', type: pods, namespace: 'shop', labelSelector: 'app=web' }, { delayMs: 1000, rows: [] });
    expect(subscriptions[0]!.target).toEqual({ cluster: 'c1', group: '', version: 'v1', resource: 'pods', namespace: 'shop', labelSelector: 'app=web', mode: 'rows' });
    const { handlers } = subscriptions[0]!;
    handlers.snapshot({ type: 'snapshot', id: 's1', resourceVersion: '5', columns, rows: [row('a'), row('b')], complete: false });
    expect(names(feed)).toEqual(['a', 'b']);
    handlers.snapshot({ type: 'snapshot', id: 's1', resourceVersion: '5', columns, rows: [row('c')], complete: true });
    expect(names(feed)).toEqual(['a', 'b', 'c']);
    expect(feed.complete.value).toBe(true);

    handlers.event({ type: 'event', id: 's1', event: 'MODIFIED', row: row('a', 'CrashLoopBackOff') });
    handlers.event({ type: 'event', id: 's1', event: 'DELETED', row: row('b') });
    expect(names(feed)).toEqual(['a', 'b', 'c']); // not yet: deltas are applied in one batch
    await wait(80);
    expect(names(feed)).toEqual(['a', 'c']);
    expect(feed.state.rows.value[0]!.cells[1]).toBe('CrashLoopBackOff');

    // A dropped socket marks the list stale; the next snapshot replaces it in one go.
    handlers.disconnected?.();
    expect(feed.stale.value).toBe(true);
    handlers.snapshot({ type: 'snapshot', id: 's1', resourceVersion: '9', columns, rows: [row('x')], complete: false });
    expect(names(feed)).toEqual(['a', 'c']);
    handlers.snapshot({ type: 'snapshot', id: 's1', resourceVersion: '9', columns, rows: [row('y')], complete: true });
    expect(names(feed)).toEqual(['x', 'y']);
    expect(feed.stale.value).toBe(false);
    unmount();
    expect(subscriptions[0]!.active).toBe(false);
  });

  it('shows a first page over HTTP until the first snapshot arrives', async () => {
    const { feed, subscriptions, unmount } = mountFeed({ cluster: 'c1', type: pods }, { delayMs: 0, rows: ['p1', 'p2'] });
    await wait(20);
    expect(names(feed)).toEqual(['p1', 'p2']);
    subscriptions[0]!.handlers.snapshot({ type: 'snapshot', id: 's1', resourceVersion: '5', columns, rows: [row('p1'), row('p2'), row('p3')], complete: true });
    expect(names(feed)).toEqual(['p1', 'p2', 'p3']);
    unmount();
  });

  it('reports a fatal subscription error and resubscribes when the query changes', async () => {
    const { feed, subscriptions, query, unmount } = mountFeed({ cluster: 'c1', type: pods }, { delayMs: 0, rows: [] }, () => {
      throw new Error('not listed: refused below');
    });
    subscriptions[0]!.handlers.error({ type: 'error', id: 's1', code: 'FORBIDDEN', message: 'you may not list pods', fatal: true });
    await wait(20);
    // the plain list (tried in case only watching is refused) is refused too: its error is shown
    expect(feed.error.value?.status).toBe(403);
    expect(feed.error.value?.message).toBe('pods is forbidden');
    expect(feed.live.value).toBe(false);
    query.value = { ...query.value, namespace: 'web' };
    await nextTick();
    expect(subscriptions[0]!.active).toBe(false);
    expect(subscriptions[1]!.target.namespace).toBe('web');
    expect(feed.error.value).toBeNull();
    unmount();
  });

  it('keeps its subscription when the query is rebuilt with the same values (a text filter changing the URL)', async () => {
    const { subscriptions, query, unmount } = mountFeed({ cluster: 'c1', type: pods, namespace: 'shop' }, { delayMs: 1000, rows: [] });
    query.value = { ...query.value, type: { ...pods } };
    await nextTick();
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0]!.active).toBe(true);
    unmount();
  });

  it("forgets a first list's chunks when the hub starts that list over (reset)", async () => {
    const { feed, subscriptions, unmount } = mountFeed({ cluster: 'c1', type: pods }, { delayMs: 1000, rows: [] });
    const { handlers } = subscriptions[0]!;
    handlers.snapshot({ type: 'snapshot', id: 's1', resourceVersion: '', columns, rows: [row('a'), row('doomed')], complete: false });
    handlers.snapshot({ type: 'snapshot', id: 's1', resourceVersion: '', columns, rows: [row('b')], complete: false });
    // the upstream list failed halfway; meanwhile "doomed" was deleted
    handlers.snapshot({ type: 'snapshot', id: 's1', resourceVersion: '', columns, rows: [row('a')], complete: false, reset: true });
    handlers.snapshot({ type: 'snapshot', id: 's1', resourceVersion: '7', columns, rows: [row('b')], complete: true });
    await wait(80);
    expect(names(feed)).toEqual(['a', 'b']);

    // the same after a drop: a re-snapshot that starts over keeps none of its earlier chunks
    handlers.disconnected?.();
    handlers.snapshot({ type: 'snapshot', id: 's1', resourceVersion: '', columns, rows: [row('gone')], complete: false });
    handlers.snapshot({ type: 'snapshot', id: 's1', resourceVersion: '9', columns, rows: [row('c')], complete: true, reset: true });
    expect(names(feed)).toEqual(['c']);
    unmount();
  });

  it('is no longer stale once the list is back after a drop during the first snapshot', async () => {
    const { feed, subscriptions, unmount } = mountFeed({ cluster: 'c1', type: pods }, { delayMs: 1000, rows: [] });
    const { handlers } = subscriptions[0]!;
    handlers.snapshot({ type: 'snapshot', id: 's1', resourceVersion: '', columns, rows: [row('a')], complete: false });
    handlers.disconnected?.();
    expect(feed.stale.value).toBe(true);
    handlers.snapshot({ type: 'snapshot', id: 's1', resourceVersion: '3', columns, rows: [row('a'), row('b')], complete: true });
    expect(names(feed)).toEqual(['a', 'b']);
    expect(feed.stale.value).toBe(false);
    unmount();
  });

  it('shows why a live list is behind (a non-fatal error) until it is current again', async () => {
    const { feed, subscriptions, unmount } = mountFeed({ cluster: 'c1', type: pods }, { delayMs: 1000, rows: [] });
    const { handlers } = subscriptions[0]!;
    handlers.snapshot({ type: 'snapshot', id: 's1', resourceVersion: '5', columns, rows: [row('a')], complete: true });
    handlers.error({ type: 'error', id: 's1', code: 'CLUSTER_UNREACHABLE', message: 'the cluster did not answer', fatal: false });
    expect(feed.stale.value).toBe(true);
    expect(feed.warning.value?.message).toBe('the cluster did not answer');
    expect(feed.error.value).toBeNull();
    // the hub retried, the watch is back: its next event says so
    handlers.event({ type: 'event', id: 's1', event: 'ADDED', row: row('b') });
    expect(feed.stale.value).toBe(false);
    expect(feed.warning.value).toBeNull();

    // an unreachable cluster before any snapshot: the reason is there, not only a spinner
    const second = mountFeed({ cluster: 'c2', type: pods }, { delayMs: 1000, rows: [] });
    second.subscriptions[0]!.handlers.error({ type: 'error', id: 's1', code: 'CLUSTER_UNREACHABLE', message: 'connect ECONNREFUSED', fatal: false });
    expect(second.feed.warning.value?.message).toBe('connect ECONNREFUSED');
    second.unmount();
    unmount();
  });

  it('lists every page over HTTP while the socket cannot deliver a first snapshot, until one comes', async () => {
    const { feed, subscriptions, unmount } = mountFeed({ cluster: 'c1', type: pods }, { delayMs: 0, rows: [] }, (cont) =>
      cont === null ? { rows: ['p1', 'p2'], next: 'tok' } : { rows: ['p3'] },
    );
    await wait(20);
    expect(names(feed)).toEqual(['p1', 'p2']); // the preview: a first page only
    // the WebSocket does not come up (blocked by a proxy): the rest must not stay missing
    subscriptions[0]!.handlers.disconnected?.();
    await wait(30);
    expect(names(feed)).toEqual(['p1', 'p2', 'p3']);
    expect(feed.complete.value).toBe(true);
    expect(feed.loading.value).toBe(false);
    expect(feed.stale.value).toBe(true); // complete, but not live
    // the hub is back: its snapshot takes over once complete (the full list stays until then)
    subscriptions[0]!.handlers.snapshot({ type: 'snapshot', id: 's1', resourceVersion: '', columns, rows: [row('p1')], complete: false });
    expect(names(feed)).toEqual(['p1', 'p2', 'p3']);
    subscriptions[0]!.handlers.snapshot({ type: 'snapshot', id: 's1', resourceVersion: '9', columns, rows: [row('p4')], complete: true });
    expect(names(feed)).toEqual(['p1', 'p4']);
    expect(feed.stale.value).toBe(false);
    unmount();
  });

  it('lists over HTTP when only watching is refused, and says the list is not live', async () => {
    const { feed, subscriptions, unmount } = mountFeed({ cluster: 'c1', type: pods }, { delayMs: 0, rows: [] }, (cont) =>
      cont === null ? { rows: ['p1', 'p2'], next: 'tok' } : { rows: ['p3'] },
    );
    subscriptions[0]!.handlers.error({ type: 'error', id: 's1', code: 'FORBIDDEN', message: 'you may not watch pods', fatal: true });
    await wait(30);
    expect(names(feed)).toEqual(['p1', 'p2', 'p3']);
    expect(feed.error.value).toBeNull();
    expect(feed.warning.value?.message).toBe('you may not watch pods');
    expect(feed.complete.value).toBe(true);
    expect(feed.live.value).toBe(false);
    unmount();
  });
});

describe('resource list feed (paged list, no watch hub)', () => {
  /** Mounts the feed without a hub; `answer` gets each request's continue token. */
  function mountPaged(query: ResourceListQuery, answer: (continueToken: string | null, n: number) => { status: number; body: unknown }) {
    let n = 0;
    const client = createApiClient({
      baseUrl: '/api',
      tokens: { getAccessToken: () => 't' },
      fetch: (async (input: RequestInfo | URL) => {
        const a = answer(new URL(String(input), 'http://x').searchParams.get('continue'), n++);
        return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'content-type': 'application/json' } });
      }) as typeof fetch,
    });
    let feed!: ReturnType<typeof useResourceListFeed>;
    const app = createApp(
      defineComponent({
        setup() {
          feed = useResourceListFeed(ref(query));
          return () => h('div');
        },
      }),
    );
    app.provide(API_CLIENT, client);
    app.mount(document.createElement('div'));
    return { feed, requests: () => n, unmount: () => app.unmount() };
  }
  const table = (rows: string[], cont?: string) => ({
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: cont ? { continue: cont } : {},
    columnDefinitions: columns,
    rows: rows.map((n) => ({ cells: [n, 'Running'], object: { metadata: { name: n, uid: `uid-${n}` } } })),
  });
  const expired = { status: 410, body: { kind: 'Status', reason: 'Expired', code: 410, message: 'The provided continue parameter is too old' } };

  it('lists again from the start when the continue token expired (410), without keeping rows of the first attempt', async () => {
    const { feed, requests, unmount } = mountPaged({ cluster: 'c1', type: pods }, (cont, n) => {
      if (n === 0) return { status: 200, body: table(['a', 'deleted-meanwhile'], 'tok1') };
      if (cont === 'tok1') return expired;
      if (cont === null) return { status: 200, body: table(['a'], 'tok2') };
      return { status: 200, body: table(['b']) };
    });
    await wait(50);
    expect(feed.error.value).toBeNull();
    expect(names(feed)).toEqual(['a', 'b']);
    expect(feed.complete.value).toBe(true);
    expect(requests()).toBe(4);
    unmount();
  });

  it('gives up and shows the error when the token keeps expiring', async () => {
    const { feed, requests, unmount } = mountPaged({ cluster: 'c1', type: pods }, (cont) =>
      cont === null ? { status: 200, body: table(['a'], 'tok') } : expired,
    );
    await wait(50);
    expect(feed.error.value?.status).toBe(410);
    expect(requests()).toBe(6); // the first attempt and two more, each a first page and an expired next one
    unmount();
  });
});
