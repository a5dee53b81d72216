import { describe, expect, it } from 'vitest';
import { createApp, defineComponent, h, nextTick, ref } from 'vue';
import { createApiClient } from '#/api/client';
import { API_CLIENT } from '#/api/context';
import type { KubeObject } from '#/api/kube';
import { eventSelector, useObjectEvents } from './object-events';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const pod = (uid: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: uid, namespace: 'shop', uid, resourceVersion: '1' } });

function mount(object: KubeObject, answer: (uid: string) => { delay: number; status: number; body: unknown }) {
  const client = createApiClient({
    baseUrl: '/api',
    tokens: { getAccessToken: () => 't' },
    fetch: (async (input: RequestInfo | URL) => {
      const uid = new URL(String(input), 'http://x').searchParams.get('fieldSelector')!.replace('involvedObject.uid=', '');
      const a = answer(uid);
      await wait(a.delay);
      return json(a.status, a.body);
    }) as typeof fetch,
  });
  const target = ref(object);
  let result!: ReturnType<typeof useObjectEvents>;
  const app = createApp(
    defineComponent({
      setup() {
        result = useObjectEvents(ref('c1'), target);
        return () => h('div');
      },
    }),
  );
  app.provide(API_CLIENT, client);
  app.mount(document.createElement('div'));
  return { result, target, unmount: () => app.unmount() };
}

const events = (...reasons: string[]) => ({
  kind: 'EventList',
  apiVersion: 'v1',
  metadata: {},
  items: reasons.map((reason, i) => ({ metadata: { name: reason, uid: reason }, reason, lastTimestamp: `2026-01-01T00:00:0${i}Z` })),
});

describe('useObjectEvents', () => {
  it('reports why events could not be listed instead of showing "no events"', async () => {
    const { result, unmount } = mount(pod('p1'), () => ({
      delay: 0,
      status: 403,
      body: { kind: 'Status', reason: 'Forbidden', message: 'events is forbidden: User "ada" cannot list resource "events"' },
    }));
    await wait(20);
    expect(result.events.value).toEqual([]);
    expect(result.error.value?.status).toBe(403);
    expect(result.error.value?.message).toContain('cannot list resource "events"');
    unmount();
  });

  it("shows the events of the object on the page, not a late answer for the previous one", async () => {
    const { result, target, unmount } = mount(pod('old'), (uid) =>
      uid === 'old' ? { delay: 60, status: 200, body: events('OldReason') } : { delay: 5, status: 200, body: events('Pulled', 'Started') },
    );
    target.value = pod('new');
    await nextTick();
    await wait(100);
    expect(result.events.value.map((e) => e.reason)).toEqual(['Started', 'Pulled']);
    expect(result.loading.value).toBe(false);
    unmount();
  });

  it("finds a node's events whether their uid is the node's uid (controllers) or its name (the kubelet)", () => {
    const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-1', uid: 'f00' } };
    expect(eventSelector(node)).toBe('involvedObject.kind=Node,involvedObject.name=worker-1');
    expect(eventSelector(pod('p1'))).toBe('involvedObject.uid=p1');
  });
});
