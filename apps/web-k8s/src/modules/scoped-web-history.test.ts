// The console's router under a host page: history entries outside its base are the host's, and
// neither the URL nor the console's route may change when the user goes to one of them.
import { afterEach, describe, expect, it } from 'vitest';
import { createRouter, createWebHistory, type RouterHistory } from 'vue-router';
import { createScopedWebHistory, isUnderBase } from './scoped-web-history';

const Page = { render: () => null };

async function consoleRouter(makeHistory: (base: string) => RouterHistory) {
  window.history.replaceState(null, '', '/console/a');
  const history = makeHistory('/console');
  const router = createRouter({
    history,
    routes: [
      { path: '/', redirect: '/a' },
      { path: '/a', name: 'a', component: Page },
      { path: '/b', name: 'b', component: Page },
      { path: '/:pathMatch(.*)*', name: 'not-found', component: Page },
    ],
  });
  await router.push(history.location);
  await router.isReady();
  return { router, history };
}

/** What a host does: its router pushes a URL, or the user presses back to one; both end in a popstate. */
async function hostGoesTo(path: string, state: unknown = null) {
  window.history.pushState(state, '', path);
  window.dispatchEvent(new PopStateEvent('popstate', { state }));
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}

describe('the console router under a host page', () => {
  let destroy: (() => void) | null = null;
  afterEach(() => {
    destroy?.();
    destroy = null;
  });

  it('leaves the URL and its route alone when the host goes to one of its own pages', async () => {
    const { router, history } = await consoleRouter(createScopedWebHistory);
    destroy = () => history.destroy();
    expect(router.currentRoute.value.name).toBe('a');

    await hostGoesTo('/');
    expect(window.location.pathname).toBe('/');
    expect(router.currentRoute.value.name).toBe('a');

    await hostGoesTo('/consoles/other', { host: true });
    expect(window.location.pathname).toBe('/consoles/other');
    expect(router.currentRoute.value.name).toBe('a');

    // back under the base: the console follows again
    await hostGoesTo('/console/b');
    expect(router.currentRoute.value.name).toBe('b');
    expect(window.location.pathname).toBe('/console/b');
  });

  it('is what vue-router alone gets wrong (the host could not leave the console)', async () => {
    const { history } = await consoleRouter(createWebHistory);
    destroy = () => history.destroy();
    await hostGoesTo('/');
    expect(window.location.pathname).not.toBe('/');
  });

  it('removes its popstate listener on destroy and leaves window.addEventListener as it was', async () => {
    const own = Object.prototype.hasOwnProperty.call(window, 'addEventListener');
    const add = window.addEventListener;
    const { router, history } = await consoleRouter(createScopedWebHistory);
    expect(Object.prototype.hasOwnProperty.call(window, 'addEventListener')).toBe(own);
    expect(window.addEventListener).toBe(add);
    history.destroy();
    await hostGoesTo('/console/b');
    expect(router.currentRoute.value.name).toBe('a');
  });

  it('tells paths under the base apart segment by segment', () => {
    expect(isUnderBase('/console', '/console')).toBe(true);
    expect(isUnderBase('/console/x', '/console/')).toBe(true);
    expect(isUnderBase('/Console/x', '/console')).toBe(true);
    expect(isUnderBase('/consoles', '/console')).toBe(false);
    expect(isUnderBase('/', '/console')).toBe(false);
    expect(isUnderBase('/anything', '')).toBe(true);
    expect(isUnderBase('/app/', '/app/#')).toBe(true);
    expect(isUnderBase('/', '#')).toBe(true);
  });
});
