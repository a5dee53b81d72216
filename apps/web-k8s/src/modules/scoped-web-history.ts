// vue-router's web history, deaf to history entries outside its base. Under a qiankun host the
// console shares window.history with the host page: when the user goes back to one of the host's
// own pages (or the host pushes one, which single-spa announces with a popstate), vue-router would
// read that URL as a console route. For an entry without state it even rewrites the URL under the
// console's base at once, and "/" redirects to /clusters, so the host could never be left: the
// URL is put back to <base>/clusters and the host keeps showing the console.
import { createWebHistory, type RouterHistory } from 'vue-router';

/** Whether a pathname is the base or below it (segment-wise, case-insensitive like vue-router). */
export function isUnderBase(pathname: string, base: string): boolean {
  // a hash base ("/app/#") routes in the fragment: its path part is what the URL must be under
  const b = base.split('#')[0]!.replace(/\/+$/, '').toLowerCase();
  const p = pathname.toLowerCase();
  return !b || p === b || p.startsWith(`${b}/`);
}

export function createScopedWebHistory(base: string): RouterHistory {
  // vue-router registers its popstate handler inside createWebHistory and offers no other way to
  // reach it, so the registration is wrapped for the duration of that call only.
  const win = window;
  const hadOwn = Object.prototype.hasOwnProperty.call(win, 'addEventListener');
  const add = win.addEventListener;
  let guarded: EventListener | null = null;
  let history: RouterHistory | null = null;
  win.addEventListener = function (this: Window, type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions) {
    if (type === 'popstate' && !guarded && typeof listener === 'function') {
      const handler = listener;
      guarded = function (this: Window, event: Event) {
        if (history && isUnderBase(win.location.pathname, history.base)) handler.call(this, event);
      };
      return add.call(this, type, guarded, options);
    }
    return add.call(this, type, listener, options);
  } as Window['addEventListener'];
  try {
    history = createWebHistory(base);
  } finally {
    if (hadOwn) win.addEventListener = add;
    else delete (win as Partial<Window>).addEventListener;
  }
  const routerHistory = history;
  const destroy = routerHistory.destroy.bind(routerHistory);
  routerHistory.destroy = () => {
    destroy();
    if (guarded) win.removeEventListener('popstate', guarded);
    guarded = null;
  };
  return routerHistory;
}
