// Where the console keeps what must survive a reload (session, preferences). Standalone it is
// localStorage; embedded (iframe/qiankun) the host passes its own or an in-memory one, so the
// console leaves nothing behind on unmount.
import type { InjectionKey } from 'vue';

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const CONSOLE_STORAGE: InjectionKey<KeyValueStorage> = Symbol('k8s-console.storage');

export function memoryStorage(): KeyValueStorage {
  const data = new Map<string, string>();
  return {
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

/** localStorage when the browser allows it (it throws in some sandboxed iframes), else memory. */
export function browserStorage(): KeyValueStorage {
  try {
    const probe = '__k8s_console_probe__';
    window.localStorage.setItem(probe, '1');
    window.localStorage.removeItem(probe);
    return window.localStorage;
  } catch {
    return memoryStorage();
  }
}

export function readJson<T>(storage: KeyValueStorage, key: string): T | null {
  try {
    const raw = storage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}
