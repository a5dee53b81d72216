import { describe, expect, it } from 'vitest';
import { createApp, defineComponent, h, nextTick, ref } from 'vue';
import { createApiClient } from '#/api/client';
import { API_CLIENT } from '#/api/context';
import { useCustomResourceTypes } from './custom-resource-types';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const crd = (group: string, plural: string, kind: string, scope: 'Namespaced' | 'Cluster') => ({
  metadata: { name: `${plural}.${group}` },
  spec: { group, scope, names: { plural, kind }, versions: [{ name: 'v1', served: true, storage: true }] },
});

describe('useCustomResourceTypes', () => {
  it("forgets the previous cluster's kinds as soon as another cluster is shown", async () => {
    const client = createApiClient({
      baseUrl: '/api',
      tokens: { getAccessToken: () => 't' },
      fetch: (async (input: RequestInfo | URL) => {
        const cluster = String(input).split('/')[4];
        await wait(cluster === 'b' ? 60 : 0);
        const items = cluster === 'a' ? [crd('example.com', 'widgets', 'Widget', 'Namespaced')] : [crd('other.io', 'gadgets', 'Gadget', 'Cluster')];
        return new Response(JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: {}, items }), { headers: { 'content-type': 'application/json' } });
      }) as typeof fetch,
    });
    const cluster = ref('a');
    let result!: ReturnType<typeof useCustomResourceTypes>;
    const app = createApp(
      defineComponent({
        setup() {
          result = useCustomResourceTypes(cluster);
          return () => h('div');
        },
      }),
    );
    app.provide(API_CLIENT, client);
    app.mount(document.createElement('div'));
    await wait(20);
    expect(result.types.value.map((t) => t.kind)).toEqual(['Widget']);
    cluster.value = 'b';
    await nextTick();
    expect(result.types.value).toEqual([]); // not cluster a's Widget while b's list is on its way
    await wait(100);
    expect(result.types.value.map((t) => t.kind)).toEqual(['Gadget']);
    app.unmount();
  });
});
