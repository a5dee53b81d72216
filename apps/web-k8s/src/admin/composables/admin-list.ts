// A list an admin page shows: loaded on demand, with its loading state and last error.
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue';

export interface AdminList<T> {
  items: ShallowRef<T[]>;
  loading: Ref<boolean>;
  error: ShallowRef<unknown>;
  reload(): Promise<void>;
}

export function useAdminList<T>(load: () => Promise<T[]>): AdminList<T> {
  const items = shallowRef<T[]>([]);
  const loading = ref(false);
  const error = shallowRef<unknown>(null);
  let latest = 0;

  async function reload() {
    const run = ++latest;
    loading.value = true;
    try {
      const result = await load();
      if (run !== latest) return;
      items.value = result;
      error.value = null;
    } catch (err) {
      if (run === latest) error.value = err;
    } finally {
      if (run === latest) loading.value = false;
    }
  }

  return { items, loading, error, reload };
}
