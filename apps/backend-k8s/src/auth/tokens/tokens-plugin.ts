// Sessions: refresh and logout routes, self-service password change (which ends every other
// sign-in), login throttling state, and a timer deleting refresh-token families that ended.
// The login route (auth-routes.ts) and the SSO exchange start sessions through `app.sessions`.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import {
  ApiErrorSchema,
  LoginResponseSchema,
  LogoutRequestSchema,
  PasswordChangeSchema,
  RefreshRequestSchema,
  type PasswordChange,
  type RefreshRequest,
} from '@k8s-console/contracts';
import { ApiError } from '../../errors/api-error.js';
import { hashPassword, verifyPassword } from '../password-hash.js';
import { toUser } from '../user-store.js';
import { LoginThrottle } from './login-throttle.js';
import { passwordProblem } from './password-policy.js';
import { RefreshTokenStore } from './refresh-token-store.js';
import { SessionService, TooManyAttemptsError } from './session-service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** starts, refreshes and ends console sessions; see session-service.ts */
    sessions: SessionService;
  }
}

const CLEANUP_INTERVAL_MS = 60 * 60_000;

export const tokensPlugin = fp(
  async (app: FastifyInstance) => {
    const refreshTokens = new RefreshTokenStore(app.db, {
      ttlSeconds: app.config.refreshTokenTtlSeconds ?? 7 * 86400,
      familyTtlSeconds: app.config.refreshTokenMaxAgeSeconds ?? 30 * 86400,
    });
    const throttle = new LoginThrottle(app.db, app.store.dialect);
    const sessions = new SessionService({
      accessTokens: app.accessTokens,
      refreshTokens,
      throttle,
      audit: app.audit,
      users: app.users,
      // open sockets of the user end too, on every replica; looked up late: the RBAC domain
      // registers after this one
      onUserRevoked: (userId) => (app.hasDecorator('rbac') ? app.rbac.endUserSessions(userId) : undefined),
    });
    app.decorate('sessions', sessions);

    app.addHook('onError', async (_request, reply, error) => {
      if (error instanceof TooManyAttemptsError) reply.header('retry-after', String(error.retryAfterSeconds));
    });

    const cleanup = setInterval(() => {
      refreshTokens.deleteExpired().catch((err: unknown) => app.log.warn({ err }, 'deleting ended refresh tokens failed'));
      throttle.deleteExpired().catch((err: unknown) => app.log.warn({ err }, 'deleting old login throttle counts failed'));
    }, CLEANUP_INTERVAL_MS);
    cleanup.unref();
    app.addHook('onClose', async () => clearInterval(cleanup));

    await app.register(tokenRoutes, { prefix: '/api/v1' });
  },
  { name: 'sessions', dependencies: ['config', 'db', 'auth', 'audit'] },
);

async function tokenRoutes(app: FastifyInstance): Promise<void> {
  const errors = { 400: ApiErrorSchema, 401: ApiErrorSchema };

  app.post<{ Body: RefreshRequest }>(
    '/auth/refresh',
    { config: { public: true }, schema: { body: RefreshRequestSchema, response: { 200: LoginResponseSchema, ...errors } } },
    async (request) => app.sessions.refresh(request.body.refreshToken, request.ip),
  );

  app.post<{ Body: RefreshRequest }>(
    '/auth/logout',
    { config: { public: true }, schema: { body: LogoutRequestSchema, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      await app.sessions.logout(request.body.refreshToken, request.ip);
      return reply.status(204).send();
    },
  );

  app.post<{ Body: PasswordChange }>(
    '/me/password',
    { schema: { body: PasswordChangeSchema, response: { 200: LoginResponseSchema, ...errors, 403: ApiErrorSchema, 429: ApiErrorSchema } } },
    async (request) => {
      const subject = request.subject!;
      await app.sessions.beginAttempt(subject.username, request.ip);
      const row = await app.users.findById(subject.userId);
      if (!row) throw ApiError.unauthorized('the user of this token no longer exists');
      if (row.source === 'sso') {
        throw new ApiError(403, 'SSO_USER', 'this user signs in through the host application and has no console password');
      }
      if (!(await verifyPassword(request.body.currentPassword, row.password_hash))) {
        await app.sessions.attemptFailed(subject.username, request.ip, 'password change: wrong current password');
        // 400 naming the field, not 401: the bearer token is fine, and a 401 makes the web client
        // renew its session and send the change again (a second failed attempt, throttled and audited)
        throw ApiError.badRequest('INVALID_CREDENTIALS', 'the current password is wrong', 'currentPassword');
      }
      const problem = passwordProblem(request.body.newPassword, row.username);
      if (problem) throw ApiError.badRequest('WEAK_PASSWORD', problem, 'newPassword');
      await app.db
        .updateTable('users')
        .set({ password_hash: await hashPassword(request.body.newPassword), updated_at: new Date().toISOString() })
        .where('id', '=', row.id)
        .execute();
      app.users.forget(row.id);
      await app.sessions.revokeUser(row.id, 'password-change');
      await app.audit.record({ action: 'password', outcome: 'success', userId: row.id, username: row.username, address: request.ip, status: 200 });
      // Every other sign-in has ended; this one goes on with a fresh pair.
      return app.sessions.start(toUser(row), request.ip, 'login');
    },
  );
}
