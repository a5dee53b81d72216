// Keeps an embedded console signed in with its host's identity: the host's SSO JWT is exchanged
// at POST /api/v1/auth/sso for a console session, and a fresh host token is asked for shortly
// before that session expires and whenever the API answers 401. The console's own refresh token
// is not used: the host decides how long its user stays signed in.
import type { Pinia } from 'pinia';
import type { LoginResponse, Me, TokenRequestMessage } from '@k8s-console/contracts';
import type { ApiClient } from '#/api/client';
import { useSessionStore } from '#/stores/session';

export type TokenRequestReason = TokenRequestMessage['reason'];

export interface HostSessionOptions {
  api: ApiClient;
  pinia: Pinia;
  /** Asks the host for a (new) SSO token; null when it has none. */
  requestToken(reason: TokenRequestReason): Promise<string | null>;
  onSignedIn?(user: Me): void;
  onFailed?(message: string): void;
  /** How long before the console token expires a new host token is asked for (default 60 s). */
  renewBeforeMs?: number;
  setTimer?(fn: () => void, ms: number): unknown;
  clearTimer?(handle: unknown): void;
}

/**
 * The exchange itself. Embedded entries call it once before the console instance exists, so the
 * router's first navigation already sees a signed-in session, then hand the result to `adopt`.
 */
export function exchangeHostToken(api: Pick<ApiClient, 'post'>, hostToken: string): Promise<LoginResponse> {
  return api.post<LoginResponse>('/v1/auth/sso', { token: hostToken }, { skipAuth: true });
}

export interface HostSession {
  /** Exchanges a host token; resolves with the console access token, rejects when refused. */
  signIn(hostToken: string): Promise<string>;
  /** Takes over a session exchanged before the instance existed (schedules its renewal). */
  adopt(res: LoginResponse): void;
  /** Asks the host for a new token and signs in with it; null when that fails (the API client then ends the session). */
  renew(reason: TokenRequestReason): Promise<string | null>;
  /** Stops the renewal timer; later calls do nothing. */
  dispose(): void;
}

const MIN_RENEW_DELAY_MS = 5_000;

export function createHostSession(options: HostSessionOptions): HostSession {
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const renewBeforeMs = options.renewBeforeMs ?? 60_000;
  let timer: unknown = null;
  let disposed = false;
  let renewal: Promise<string | null> | null = null;

  function schedule(expiresInSeconds: number) {
    if (timer !== null) clearTimer(timer);
    const delay = Math.max(MIN_RENEW_DELAY_MS, expiresInSeconds * 1000 - renewBeforeMs);
    timer = setTimer(() => {
      timer = null;
      void renew('expiring');
    }, delay);
  }

  async function signIn(hostToken: string): Promise<string> {
    if (disposed) throw new Error('the embedded console was unmounted');
    let res: LoginResponse;
    try {
      res = await exchangeHostToken(options.api, hostToken);
    } catch (err) {
      const message = (err as Error).message;
      useSessionStore(options.pinia).signOnError = message;
      options.onFailed?.(message);
      throw err;
    }
    if (disposed) throw new Error('the embedded console was unmounted');
    adopt(res);
    return res.accessToken;
  }

  function adopt(res: LoginResponse) {
    const session = useSessionStore(options.pinia);
    session.adoptToken(res.accessToken, res.user);
    session.expiresAt = Date.now() + res.expiresIn * 1000;
    schedule(res.expiresIn);
    options.onSignedIn?.(res.user);
  }

  function renew(reason: TokenRequestReason): Promise<string | null> {
    // One renewal at a time: a 401 burst and the timer share the host round trip.
    renewal ??= (async () => {
      try {
        if (disposed) return null;
        const token = await options.requestToken(reason);
        return token ? await signIn(token) : null;
      } catch {
        return null;
      } finally {
        renewal = null;
      }
    })();
    return renewal;
  }

  return {
    signIn,
    adopt,
    renew,
    dispose() {
      disposed = true;
      if (timer !== null) clearTimer(timer);
      timer = null;
    },
  };
}
