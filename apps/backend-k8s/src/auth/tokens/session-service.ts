// A console session: a short-lived access token plus a rotating refresh token, started by a
// password login or an SSO exchange. Throttles password guessing and writes every sign-in,
// refresh failure and sign-out to the audit log.
import type { LoginResponse } from '@k8s-console/contracts';
import type { AuditLog } from '../../audit/audit-log.js';
import { ApiError } from '../../errors/api-error.js';
import type { AccessTokens } from '../access-token.js';
import { toUser, type UserStore } from '../user-store.js';
import type { LoginThrottle } from './login-throttle.js';
import type { RefreshTokenStore } from './refresh-token-store.js';

export interface SessionDeps {
  accessTokens: AccessTokens;
  refreshTokens: RefreshTokenStore;
  throttle: LoginThrottle;
  audit: AuditLog;
  users: UserStore;
  /** told after every sign-in of a user was ended, to end what is still open (sockets) */
  onUserRevoked?: (userId: string) => void;
}

export class TooManyAttemptsError extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'TOO_MANY_ATTEMPTS', `too many failed sign-ins; try again in ${retryAfterSeconds} s`);
  }
}

export class SessionService {
  constructor(private readonly deps: SessionDeps) {}

  /** Before checking a password: counts the attempt, and throws 429 while the user name or the address is locked. */
  async beginAttempt(username: string, address: string): Promise<void> {
    const verdict = await this.deps.throttle.attempt(username, address);
    if (verdict.allowed) return;
    await this.deps.audit.record({
      action: 'login',
      outcome: 'denied',
      username,
      address,
      status: 429,
      detail: `throttled (${verdict.limitedBy === 'user' ? 'user name' : 'address'} locked for ${verdict.retryAfterSeconds} s)`,
    });
    throw new TooManyAttemptsError(verdict.retryAfterSeconds);
  }

  /** An attempt that failed (counted already by beginAttempt): audited. */
  async attemptFailed(username: string, address: string, reason: string): Promise<void> {
    await this.deps.audit.record({ action: 'login', outcome: 'failure', username, address, status: 401, detail: reason });
  }

  /**
   * A successful sign-in: a new access token, and for a password login a new refresh-token family.
   * A sign-on from a host application gets no refresh token: the embedded console renews by
   * exchanging a fresh host token, so a refresh token would be a credential nobody uses that
   * outlives the host's own sign-out (one more per renewal).
   */
  async start(user: { id: string; username: string; groups: string[] }, address: string, action: 'login' | 'sso'): Promise<LoginResponse> {
    await this.deps.throttle.recordSuccess(user.username, address, action === 'login');
    const refresh = action === 'login' ? await this.deps.refreshTokens.issue(user.id) : undefined;
    await this.deps.audit.record({ action, outcome: 'success', userId: user.id, username: user.username, address, status: 200 });
    return this.response(user, refresh?.token);
  }

  private response(user: { id: string; username: string; groups: string[] }, refreshToken: string | undefined): LoginResponse {
    return {
      accessToken: this.deps.accessTokens.issue(user),
      tokenType: 'Bearer',
      expiresIn: this.deps.accessTokens.ttlSeconds,
      ...(refreshToken ? { refreshToken } : {}),
      user: { id: user.id, username: user.username, groups: user.groups },
    };
  }

  /** Exchanges a refresh token for a new pair; a reused one ends its whole family. */
  async refresh(token: string, address: string): Promise<LoginResponse> {
    const result = await this.deps.refreshTokens.rotate(token);
    if (!result.ok) {
      const reused = result.reason === 'reused' || result.reason === 'revoked';
      if (result.userId) {
        const row = await this.deps.users.findById(result.userId);
        await this.deps.audit.record({
          action: 'refresh',
          outcome: reused ? 'denied' : 'failure',
          userId: result.userId,
          username: row?.username ?? null,
          address,
          status: 401,
          detail: reused ? `refresh token ${result.reason} again: every token of this sign-in is revoked` : `refresh token ${result.reason}`,
        });
      }
      throw new ApiError(
        401,
        reused ? 'REFRESH_TOKEN_REUSED' : 'INVALID_REFRESH_TOKEN',
        reused
          ? 'this refresh token was used before, so this sign-in has been ended everywhere; sign in again'
          : 'the refresh token is not valid or has expired; sign in again',
      );
    }
    const row = await this.deps.users.findById(result.userId);
    const user = row ? toUser(row) : null;
    if (!user || user.disabled) {
      await this.deps.refreshTokens.revokeUser(result.userId, user ? 'disabled' : 'deleted');
      throw new ApiError(401, user ? 'USER_DISABLED' : 'INVALID_REFRESH_TOKEN', user ? `user "${user.username}" is disabled` : 'the user no longer exists');
    }
    return this.response(user, result.next.token);
  }

  /** Ends the sign-in a refresh token belongs to; unknown tokens are ignored (logging out twice is fine). */
  async logout(token: string, address: string): Promise<void> {
    const revoked = await this.deps.refreshTokens.revokeByToken(token, 'logout');
    if (!revoked) return;
    const row = await this.deps.users.findById(revoked.userId);
    await this.deps.audit.record({ action: 'logout', outcome: 'success', userId: revoked.userId, username: row?.username ?? null, address, status: 204 });
  }

  /** Ends every sign-in of a user (password change or reset, disabling, deletion). */
  async revokeUser(userId: string, reason: string): Promise<void> {
    await this.deps.refreshTokens.revokeUser(userId, reason);
    await this.deps.users.revokeAccessTokens(userId);
    this.deps.onUserRevoked?.(userId);
  }
}
