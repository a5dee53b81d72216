// POST /api/v1/auth/login and GET /api/v1/me.
import type { FastifyInstance } from 'fastify';
import { ApiErrorSchema, LoginRequestSchema, LoginResponseSchema, MeSchema, type LoginRequest } from '@k8s-console/contracts';
import { ApiError } from '../errors/api-error.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import { toUser } from './user-store.js';

export async function authRoutes(app: FastifyInstance): Promise<void> {
  // Unknown users are checked against a throwaway hash so the answer takes as long as for real ones.
  const decoyHash = hashPassword('decoy-password-for-timing');

  app.post<{ Body: LoginRequest }>(
    '/auth/login',
    {
      config: { public: true },
      schema: { body: LoginRequestSchema, response: { 200: LoginResponseSchema, 400: ApiErrorSchema, 401: ApiErrorSchema, 429: ApiErrorSchema } },
    },
    async (request) => {
      const { username, password } = request.body;
      // Throttling, refresh tokens and the audit record come from the sessions plugin (auth/tokens).
      await app.sessions.beginAttempt(username, request.ip);
      const row = await app.users.findByUsername(username);
      const ok = await verifyPassword(password, row?.password_hash ?? (await decoyHash));
      if (!row || !ok) {
        request.log.info({ username }, 'login failed');
        await app.sessions.attemptFailed(username, request.ip, row ? 'wrong password' : 'unknown user');
        throw new ApiError(401, 'INVALID_CREDENTIALS', 'wrong username or password');
      }
      const user = toUser(row);
      if (user.disabled) {
        await app.sessions.attemptFailed(username, request.ip, 'user disabled');
        throw new ApiError(401, 'USER_DISABLED', `user "${user.username}" is disabled`);
      }
      request.log.info({ username }, 'login');
      return app.sessions.start(user, request.ip, 'login');
    },
  );

  app.get('/me', { schema: { response: { 200: MeSchema, 401: ApiErrorSchema } } }, async (request) => {
    const s = request.subject!;
    return { id: s.userId, username: s.username, groups: s.groups };
  });
}
