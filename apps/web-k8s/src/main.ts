// Standalone entry: one console instance mounted on #app; framed (or ?embed=1) it starts in
// iframe mode and takes its session from the host page (src/embed).
import { createConsoleApp } from './app/create-console-app';
import { wantsIframeMode } from './embed/embed-detection';
import { startIframeConsole } from './embed/iframe-console';

if (wantsIframeMode()) void startIframeConsole({ target: '#app' });
else void createConsoleApp().then((instance) => instance.mount('#app'));
