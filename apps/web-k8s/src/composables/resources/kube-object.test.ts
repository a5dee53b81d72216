import { describe, expect, it } from 'vitest';
import { createApp, defineComponent, h, nextTick, ref } from 'vue';
import { createApiClient } from '#/api/client';
import { API_CLIENT } from '#/api/context';
import { useKubeObject, type ObjectRef } from './kube-object';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** An apiserver whose answers take `delays[name]` ms; "gone" answers 404. */
function mount(initial: ObjectRef, delays: Record<string, number>) {
  const client = createApiClient({
    baseUrl: '/api',
    tokens: { getAccessToken: () => 't' },
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const name = String(input).split('/').pop()!;
      await wait(delays[name] ?? 0);
      if (init?.signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      if (name === 'gone') return json(404, { kind: 'Status', reason: 'NotFound', message: `pods "gone" not found` });
      return json(200, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop' } });
    }) as typeof fetch,
  });
  const target = ref(initial);
  let result!: ReturnType<typeof useKubeObject>;
  const app = createApp(
    defineComponent({
      setup() {
        result = useKubeObject(target);
        return () => h('div');
      },
    }),
  );
  app.provide(API_CLIENT, client);
  app.mount(document.createElement('div'));
  return { result, target, unmount: () => app.unmount() };
}

const pods = { group: '', version: 'v1', resource: 'pods' };

describe('useKubeObject', () => {
  it('never shows the late answer of the object the page left', async () => {
    const { result, target, unmount } = mount({ cluster: 'c1', type: pods, namespace: 'shop', name: 'slow' }, { slow: 80, fast: 5 });
    await wait(10);
    target.value = { ...target.value, name: 'fast' };
    await nextTick();
    await wait(30);
    expect(result.object.value?.metadata.name).toBe('fast');
    await wait(100); // the answer for "slow" has come in by now
    expect(result.object.value?.metadata.name).toBe('fast');
    expect(result.loading.value).toBe(false);
    unmount();
  });

  it('forgets the old object as soon as the page moves to another one', async () => {
    const { result, target, unmount } = mount({ cluster: 'c1', type: pods, namespace: 'shop', name: 'a' }, { b: 50 });
    await wait(20);
    expect(result.object.value?.metadata.name).toBe('a');
    target.value = { ...target.value, type: { group: 'apps', version: 'v1', resource: 'pods' }, name: 'b' };
    await nextTick();
    // meanwhile nothing is shown (and no action can act on "a" under b's type)
    expect(result.object.value).toBeNull();
    await wait(80);
    expect(result.object.value?.metadata.name).toBe('b');
    unmount();
  });

  it('shows the error of the current object, not of one left behind', async () => {
    const { result, target, unmount } = mount({ cluster: 'c1', type: pods, namespace: 'shop', name: 'gone' }, { gone: 60 });
    target.value = { ...target.value, name: 'here' };
    await nextTick();
    await wait(100);
    expect(result.error.value).toBeNull();
    expect(result.object.value?.metadata.name).toBe('here');
    target.value = { ...target.value, name: 'gone' };
    await nextTick();
    await wait(100);
    expect(result.error.value?.status).toBe(404);
    expect(result.object.value).toBeNull();
    unmount();
  });
});
