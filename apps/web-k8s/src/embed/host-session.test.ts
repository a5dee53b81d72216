// The embedded session: a host token is exchanged at /v1/auth/sso, a new one is asked for before
// the console token expires and on a 401, and nothing runs after dispose.
import { describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { createApp } from 'vue';
import type { LoginResponse } from '@k8s-console/contracts';
import { createApiClient } from '#/api/client';
import { API_CLIENT } from '#/api/context';
import { useSessionStore } from '#/stores/session';
import { createHostSession, type TokenRequestReason } from './host-session';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function setup(options: { hostTokens: (string | null)[]; expiresIn?: number }) {
  const exchanged: string[] = [];
  const asked: TokenRequestReason[] = [];
  const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
  let issued = 0;
  let session: ReturnType<typeof createHostSession> | null = null;
  const api = createApiClient({
    baseUrl: '/api',
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      if (url === '/api/v1/auth/sso') {
        const { token } = JSON.parse(String(init?.body)) as { token: string };
        exchanged.push(token);
        if (token === 'refused') return json(401, { error: { code: 'INVALID_SSO_TOKEN', message: 'expired' } });
        issued += 1;
        const res: LoginResponse = { accessToken: `console-${issued}`, tokenType: 'Bearer', expiresIn: options.expiresIn ?? 900, user: { id: '1', username: 'hana', groups: [] } };
        return json(200, res);
      }
      const auth = new Headers(init?.headers).get('authorization');
      // only the latest console token is accepted
      return auth === `Bearer console-${issued}` ? json(200, { ok: true }) : json(401, { error: { code: 'UNAUTHORIZED', message: 'no' } });
    }) as typeof fetch,
    tokens: {
      getAccessToken: () => useSessionStore(pinia).accessToken,
      refresh: () => session!.renew('unauthorized'),
    },
  });
  const pinia = createPinia();
  const app = createApp({});
  app.provide(API_CLIENT, api);
  app.use(pinia);
  setActivePinia(pinia);
  const queue = [...options.hostTokens];
  session = createHostSession({
    api,
    pinia,
    requestToken: async (reason) => {
      asked.push(reason);
      return queue.shift() ?? null;
    },
    setTimer: (fn, ms) => {
      const timer = { fn, ms, cleared: false };
      timers.push(timer);
      return timer;
    },
    clearTimer: (t) => void ((t as { cleared: boolean }).cleared = true),
  });
  return { api, pinia, session, exchanged, asked, timers };
}

describe('host session', () => {
  it('exchanges the host token and schedules the renewal a minute before expiry', async () => {
    const { session, pinia, exchanged, timers } = setup({ hostTokens: [], expiresIn: 900 });
    await expect(session.signIn('host.jwt')).resolves.toBe('console-1');
    expect(exchanged).toEqual(['host.jwt']);
    const store = useSessionStore(pinia);
    expect(store.accessToken).toBe('console-1');
    expect(store.refreshToken).toBeNull();
    expect(store.user?.username).toBe('hana');
    expect(timers.at(-1)?.ms).toBe(840_000);
  });

  it('asks the host again when the session nears expiry', async () => {
    const { session, asked, exchanged, timers, pinia } = setup({ hostTokens: ['host.jwt.2'] });
    await session.signIn('host.jwt.1');
    timers.at(-1)!.fn();
    await expect.poll(() => useSessionStore(pinia).accessToken).toBe('console-2');
    expect(asked).toEqual(['expiring']);
    expect(exchanged).toEqual(['host.jwt.1', 'host.jwt.2']);
  });

  it('renews through the host on a 401 and retries the call with the new token', async () => {
    const { session, api, asked, pinia } = setup({ hostTokens: ['host.jwt.2'] });
    await session.signIn('host.jwt.1');
    useSessionStore(pinia).accessToken = 'stale';
    await expect(api.get('/v1/me')).resolves.toEqual({ ok: true });
    expect(asked).toEqual(['unauthorized']);
  });

  it('ends the session when the host has no token or its token is refused', async () => {
    const { session, api, pinia } = setup({ hostTokens: ['refused', null] });
    await session.signIn('host.jwt.1');
    useSessionStore(pinia).accessToken = 'stale';
    await expect(api.get('/v1/me')).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
    await expect(session.renew('unauthorized')).resolves.toBeNull();
  });

  it("keeps why the host's token was refused for the login page, until a sign-in works", async () => {
    const { session, pinia } = setup({ hostTokens: [] });
    await expect(session.signIn('refused')).rejects.toMatchObject({ code: 'INVALID_SSO_TOKEN' });
    expect(useSessionStore(pinia).signOnError).toBe('expired');
    await session.signIn('host.jwt.2');
    expect(useSessionStore(pinia).signOnError).toBeNull();
  });

  it('does nothing after dispose', async () => {
    const { session, timers, asked } = setup({ hostTokens: ['host.jwt.2'] });
    await session.signIn('host.jwt.1');
    session.dispose();
    expect(timers.at(-1)?.cleared).toBe(true);
    await expect(session.renew('expiring')).resolves.toBeNull();
    expect(asked).toEqual([]);
    await expect(session.signIn('host.jwt.3')).rejects.toThrow(/unmounted/);
  });
});
