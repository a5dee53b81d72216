/* eslint-disable vue/one-component-per-file -- each harness mounts its own tiny component */
import { describe, expect, it } from 'vitest';
import { createApp, defineComponent, h, nextTick, type Ref } from 'vue';
import { createMemoryHistory, createRouter, RouterView } from 'vue-router';
import { useRouteQueryText } from './route-query-text';

const flush = async () => {
  for (let i = 0; i < 5; i++) await nextTick();
  await new Promise((r) => setTimeout(r, 0));
};

async function mount(start: string) {
  let text!: Ref<string>;
  let setups = 0;
  const List = defineComponent({
    setup() {
      setups += 1;
      text = useRouteQueryText('q');
      return () => h('div');
    },
  });
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/list/:kind', component: List }] });
  await router.push(start);
  const app = createApp(defineComponent({ setup: () => () => h(RouterView) }));
  app.use(router);
  app.mount(document.createElement('div'));
  await router.isReady();
  await flush();
  return { router, text: () => text, setups: () => setups, unmount: () => app.unmount() };
}

describe('useRouteQueryText', () => {
  it('writes what is typed to the URL without a history entry', async () => {
    const { router, text, unmount } = await mount('/list/pods?q=web&namespace=shop');
    expect(text().value).toBe('web');
    text().value = 'api';
    await flush();
    expect(router.currentRoute.value.fullPath).toBe('/list/pods?q=api&namespace=shop');
    text().value = '';
    await flush();
    expect(router.currentRoute.value.query).toEqual({ namespace: 'shop' });
    unmount();
  });

  it('follows the URL when it changes by itself: Back, or another list in the same view', async () => {
    const { router, text, setups, unmount } = await mount('/list/pods?q=web');
    await router.push('/list/pods?q=db');
    await flush();
    expect(text().value).toBe('db');
    router.back();
    await flush();
    expect(router.currentRoute.value.query.q).toBe('web');
    expect(text().value).toBe('web');
    // the menu opens another kind without a filter: the view is reused, the old text must not stay applied
    await router.push('/list/services');
    await flush();
    expect(setups()).toBe(1);
    expect(text().value).toBe('');
    expect(router.currentRoute.value.fullPath).toBe('/list/services');
    unmount();
  });
});
