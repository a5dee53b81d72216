// What other code may use from the console: the factory and what it takes. Hosts embed the
// console through this (qiankun lifecycle, tests); nothing else here is public.
export { createConsoleApp, type ConsoleApp, type ConsoleAppOptions } from './app/create-console-app';
export { memoryStorage, browserStorage, type KeyValueStorage } from './stores/key-value-storage';
export type { ConsoleMode } from './app/console-options';
