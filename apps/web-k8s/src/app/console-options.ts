// What a console instance knows about how it is hosted, provided to every component.
import { inject, type InjectionKey } from 'vue';

export type ConsoleMode = 'standalone' | 'embedded';

export interface ConsoleOptions {
  mode: ConsoleMode;
  basePath: string;
}

export const CONSOLE_OPTIONS: InjectionKey<ConsoleOptions> = Symbol('k8s-console.options');

export function useConsoleOptions(): ConsoleOptions {
  return inject(CONSOLE_OPTIONS, { mode: 'standalone', basePath: '/' });
}
