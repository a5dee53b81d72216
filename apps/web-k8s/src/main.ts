// Standalone entry: one console instance mounted on #app.
import { createConsoleApp } from './app/create-console-app';

void createConsoleApp().then((instance) => instance.mount('#app'));
