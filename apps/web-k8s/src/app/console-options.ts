// What a console instance knows about how it is hosted, provided to every component.
import { inject, type InjectionKey } from 'vue';

export type ConsoleMode = 'standalone' | 'embedded';

export interface ConsoleOptions {
  mode: ConsoleMode;
  basePath: string;
  /** ant-design-vue class prefix (default "ant"); a qiankun host gets its own so styles do not collide. */
  classPrefix?: string;
  /** Popups, modals and antd's generated styles go here instead of document.body/head (qiankun). */
  container?: HTMLElement;
}

export const CONSOLE_OPTIONS: InjectionKey<ConsoleOptions> = Symbol('k8s-console.options');

export function useConsoleOptions(): ConsoleOptions {
  return inject(CONSOLE_OPTIONS, { mode: 'standalone', basePath: '/' });
}
