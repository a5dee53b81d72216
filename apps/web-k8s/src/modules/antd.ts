// The ant-design-vue components the console uses (listed in antd-components.ts), registered once
// per app instance.
import type { App } from 'vue';
import * as components from './antd-components';
import 'ant-design-vue/dist/reset.css';

export function installAntd(app: App): void {
  for (const component of Object.values(components)) app.use(component);
}
