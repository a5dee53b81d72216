// The signed-in session: access token, refresh token and who the user is. The API client reads
// the token from here and asks here to renew it (see api/client.ts for the refresh rule).
import { defineStore } from 'pinia';
import { computed, inject, onScopeDispose, ref } from 'vue';
import type { LoginResponse, Me } from '@k8s-console/contracts';
import { useApiClient } from '#/api/context';
import { authApi } from '#/api/auth';
import { CONSOLE_STORAGE, memoryStorage, readJson } from './key-value-storage';

const STORAGE_KEY = 'k8s-console.session';

/** Runs fn while no other tab of this origin refreshes (Web Locks), or at once where there are none. */
function withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  return locks ? (locks.request('k8s-console.session-refresh', fn) as Promise<T>) : fn();
}

interface PersistedSession {
  accessToken: string;
  refreshToken: string | null;
  user: Me | null;
  expiresAt: number;
}

export const useSessionStore = defineStore('session', () => {
  const storage = inject(CONSOLE_STORAGE, null) ?? memoryStorage();
  const auth = authApi(useApiClient());

  const saved = readJson<PersistedSession>(storage, STORAGE_KEY);
  const accessToken = ref<string | null>(saved?.accessToken ?? null);
  const refreshToken = ref<string | null>(saved?.refreshToken ?? null);
  const user = ref<Me | null>(saved?.user ?? null);
  const expiresAt = ref<number>(saved?.expiresAt ?? 0);
  /** Embedded: why the host's sign-on token was refused (the login page says it), until a sign-in works. */
  const signOnError = ref<string | null>(null);

  const isAuthenticated = computed(() => !!accessToken.value);

  function persist() {
    if (!accessToken.value) {
      storage.removeItem(STORAGE_KEY);
      return;
    }
    const value: PersistedSession = {
      accessToken: accessToken.value,
      refreshToken: refreshToken.value,
      user: user.value,
      expiresAt: expiresAt.value,
    };
    storage.setItem(STORAGE_KEY, JSON.stringify(value));
  }

  /** Takes a new token pair: from login, refresh, or a password change (which ends every other sign-in). */
  function accept(res: LoginResponse) {
    signOnError.value = null;
    accessToken.value = res.accessToken;
    // The server rotates refresh tokens; keep the old one only if it sent none.
    refreshToken.value = res.refreshToken ?? refreshToken.value;
    user.value = res.user;
    expiresAt.value = Date.now() + res.expiresIn * 1000;
    persist();
  }

  async function login(username: string, password: string): Promise<void> {
    accept(await auth.login({ username, password }));
  }

  /** The session as the storage holds it now: another tab of this console may have renewed or ended it. */
  function adoptStored(current: PersistedSession | null) {
    accessToken.value = current?.accessToken ?? null;
    refreshToken.value = current?.refreshToken ?? null;
    user.value = current?.user ?? null;
    expiresAt.value = current?.expiresAt ?? 0;
  }

  let refreshing: Promise<string | null> | null = null;

  /**
   * Used by the API client on a 401. Returns the new access token, or null when the session is over.
   * The server takes each refresh token once and treats a second use as theft (it ends the whole
   * sign-in), and every tab of a standalone console shares one session in localStorage. So one
   * refresh runs at a time across tabs (a Web Lock where the browser has them), and a tab whose
   * refresh token another tab already rotated takes that tab's session instead of reusing it.
   */
  function refresh(): Promise<string | null> {
    // What this tab held when its request failed: while it waited for the lock, the other tab's
    // renewal may have reached it through the storage event already, and is not to be renewed again.
    const held = refreshToken.value;
    refreshing ??= withRefreshLock(async () => {
      if (!refreshToken.value) return null;
      const current = readJson<PersistedSession>(storage, STORAGE_KEY);
      if (!current) {
        adoptStored(null); // signed out in another tab
        return null;
      }
      if (current.refreshToken && (current.refreshToken !== refreshToken.value || current.refreshToken !== held)) {
        adoptStored(current); // renewed in another tab: its access token, unless that ran out too
        if (expiresAt.value > Date.now() + 5000) return accessToken.value;
        if (!refreshToken.value) return null;
      }
      try {
        accept(await auth.refresh(refreshToken.value));
        return accessToken.value;
      } catch {
        return null;
      }
    }).finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  // Another tab renewed the session or signed out: this one follows at once (its sockets and
  // requests then use the new token, or stop), and never writes a session back after a sign-out.
  if (typeof window !== 'undefined') {
    const follow = (event: StorageEvent) => {
      if (event.key === STORAGE_KEY && event.storageArea === storage) adoptStored(readJson<PersistedSession>(storage, STORAGE_KEY));
    };
    window.addEventListener('storage', follow);
    onScopeDispose(() => window.removeEventListener('storage', follow)); // a micro-app's unmount
  }

  /** A token handed over by a host application (iframe handshake or qiankun props). */
  function adoptToken(token: string, me: Me | null = null) {
    signOnError.value = null;
    accessToken.value = token;
    refreshToken.value = null;
    user.value = me;
    expiresAt.value = 0;
    persist();
  }

  function clear() {
    accessToken.value = null;
    refreshToken.value = null;
    user.value = null;
    expiresAt.value = 0;
    persist();
  }

  async function logout(): Promise<void> {
    const token = refreshToken.value;
    try {
      if (token) await auth.logout(token);
    } catch {
      // Signing out locally matters more than telling a server that may be gone.
    } finally {
      clear();
    }
  }

  async function loadMe(): Promise<Me> {
    const me = await auth.me();
    user.value = me;
    persist();
    return me;
  }

  return { accessToken, refreshToken, user, expiresAt, signOnError, isAuthenticated, accept, login, refresh, adoptToken, clear, logout, loadMe };
});
