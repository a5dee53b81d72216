// The signed-in session: access token, refresh token and who the user is. The API client reads
// the token from here and asks here to renew it (see api/client.ts for the refresh rule).
import { defineStore } from 'pinia';
import { computed, inject, ref } from 'vue';
import type { LoginResponse, Me } from '@k8s-console/contracts';
import { useApiClient } from '#/api/context';
import { authApi } from '#/api/auth';
import { CONSOLE_STORAGE, memoryStorage, readJson } from './key-value-storage';

const STORAGE_KEY = 'k8s-console.session';

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

  /** Used by the API client on a 401. Returns the new access token, or null when the session is over. */
  async function refresh(): Promise<string | null> {
    if (!refreshToken.value) return null;
    try {
      accept(await auth.refresh(refreshToken.value));
      return accessToken.value;
    } catch {
      return null;
    }
  }

  /** A token handed over by a host application (iframe handshake or qiankun props). */
  function adoptToken(token: string, me: Me | null = null) {
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

  return { accessToken, refreshToken, user, expiresAt, isAuthenticated, accept, login, refresh, adoptToken, clear, logout, loadMe };
});
