// How views reach the console instance's one watch hub; absent (null) in tests that do not need it.
import { inject, type InjectionKey } from 'vue';
import type { WatchHub } from './watch-hub';

export const WATCH_HUB: InjectionKey<WatchHub> = Symbol('k8s-console.watch-hub');

export function useWatchHub(): WatchHub | null {
  return inject(WATCH_HUB, null);
}
