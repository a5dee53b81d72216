// Build entry for qiankun hosts (see qiankun-html-plugin.ts): the lifecycle, with the console's
// files located from this module's own URL (…/assets/qiankun-*.js → …/), whatever page loads it.
import { createMicroAppLifecycle } from './micro-app-lifecycle';

// Not a literal inside new URL(): Vite would treat it as an asset import and inline the folder.
const assetsParent = '../';
const lifecycle = createMicroAppLifecycle(new URL(assetsParent, import.meta.url).href);

export const { bootstrap, mount, update, unmount } = lifecycle;
