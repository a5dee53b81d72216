// Authentication for everything under /api: a bearer token in the Authorization header (or, on a
// WebSocket upgrade, in the k8s-style subprotocol) becomes `request.subject` before any handler or
// upgrade runs. Routes opt out with `config: { public: true }` (login, the HMAC-signed internal API).
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { allowAuthenticated, type Authorizer, type Subject } from '../rbac/authorizer.js';
import { ApiError } from '../errors/api-error.js';
import { AccessTokens, type AccessClaims } from './access-token.js';
import { authRoutes } from './auth-routes.js';
import { bootstrapAdmin } from './bootstrap-admin.js';
import { UserStore, toUser, tokenRevoked, type UserRow } from './user-store.js';
import { tokenFromProtocols } from './websocket-token.js';

/** Turns a token into a subject, or returns null when the token is not of its kind. */
export type TokenVerifier = (token: string) => Promise<Subject | null>;

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Verifies a bearer token (local JWT, then registered verifiers such as SSO); throws a 401
     * ApiError. Each call returns a new Subject object: the audit domain tells requests apart by it.
     */
    authenticate(token: string): Promise<Subject>;
    /**
     * authenticate() synchronously, from what this replica already holds (a verified local token,
     * a fresh user row); undefined when it would have to look something up or would refuse the
     * token; then authenticate() gives the answer. For the proxy's fast path.
     */
    authenticateNow(token: string): Subject | undefined;
    /** adds a verifier tried after the local JWT one (SSO, API tokens) */
    registerTokenVerifier(verifier: TokenVerifier): void;
    /** the console RBAC hook; `allowAuthenticated` until the rbac plugin assigns its own */
    authorizer: Authorizer;
    users: UserStore;
    accessTokens: AccessTokens;
  }
  interface FastifyRequest {
    /** set for every authenticated /api request */
    subject: Subject | null;
  }
  interface FastifyContextConfig {
    /** skip bearer-token authentication for this route */
    public?: boolean;
  }
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match ? match[1]! : null;
  }
  if (request.headers.upgrade?.toLowerCase() === 'websocket') return tokenFromProtocols(request.headers['sec-websocket-protocol']);
  return null;
}

export const authPlugin = fp(
  async (app: FastifyInstance) => {
    const users = new UserStore(app.db);
    const tokens = new AccessTokens(app.config.jwtSecret, app.config.jwtTtlSeconds);
    const verifiers: TokenVerifier[] = [];

    /** The subject a verified token's user makes, new each time; throws a 401 ApiError saying why not. */
    function subjectOf(claims: AccessClaims, row: UserRow | undefined): Subject {
      if (!row) throw new ApiError(401, 'INVALID_TOKEN', 'the user of this token no longer exists');
      const user = toUser(row);
      if (user.disabled) throw new ApiError(401, 'USER_DISABLED', `user "${user.username}" is disabled`);
      if (tokenRevoked(row, claims.issuedAtMs)) {
        throw new ApiError(401, 'TOKEN_REVOKED', 'this access token was revoked when the sessions of its user ended (password changed or reset); sign in again');
      }
      return { userId: user.id, username: user.username, groups: user.groups };
    }

    async function localSubject(token: string): Promise<Subject> {
      const claims = tokens.verify(token);
      return subjectOf(claims, await users.findById(claims.sub));
    }

    app.decorate('users', users);
    app.decorate('accessTokens', tokens);
    app.decorate('authorizer', allowAuthenticated);
    app.decorate('registerTokenVerifier', (verifier: TokenVerifier) => void verifiers.push(verifier));
    app.decorate('authenticate', async (token: string): Promise<Subject> => {
      try {
        return await localSubject(token);
      } catch (err) {
        if (!(err instanceof ApiError) || err.code !== 'INVALID_TOKEN' || verifiers.length === 0) throw err;
        for (const verify of verifiers) {
          const subject = await verify(token);
          if (subject) return { ...subject };
        }
        throw err;
      }
    });
    app.decorate('authenticateNow', (token: string): Subject | undefined => {
      try {
        const claims = tokens.verify(token);
        const kept = users.keptById(claims.sub);
        return kept && subjectOf(claims, kept.row);
      } catch {
        return undefined; // refused, or another verifier's token: authenticate() answers
      }
    });
    app.decorateRequest('subject', null);

    app.addHook('onRequest', async (request) => {
      // The matched route, not the raw URL: the router decodes the path, so /%61pi/... reaches /api/ routes.
      if (!(request.routeOptions.url ?? request.url).startsWith('/api/') || request.routeOptions.config?.public) return;
      const token = bearerToken(request);
      if (!token) throw ApiError.unauthorized();
      request.subject = await app.authenticate(token);
    });

    await bootstrapAdmin(users, { username: app.config.adminUsername, password: app.config.adminPassword }, app.log);
    await app.register(authRoutes, { prefix: '/api/v1' });
  },
  { name: 'auth', dependencies: ['config', 'db'] },
);
