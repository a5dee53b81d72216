// Sign-on from a host application: POST /api/v1/auth/sso {token} exchanges the host's JWT for a
// console session (access + refresh token). The host's JWT is never accepted as a bearer token on
// other routes: one kind of token inside the console, revocable, and the host token's lifetime
// does not become the console session's. First sign-on creates the user (source 'sso') and binds
// SSO_DEFAULT_ROLE; every sign-on refreshes the user's groups from the token.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { ApiErrorSchema, LoginResponseSchema, SsoExchangeRequestSchema, type SsoExchangeRequest } from '@k8s-console/contracts';
import { ApiError } from '../../errors/api-error.js';
import { SsoTokenError, SsoTokenVerifier } from './sso-token-verifier.js';
import { SsoTokenUses } from './sso-token-uses.js';

export function ssoVerifierFromConfig(config: FastifyInstance['config']): SsoTokenVerifier | null {
  if (!config.ssoJwtSecret && !config.ssoJwtPublicKey) return null;
  return new SsoTokenVerifier({
    secret: config.ssoJwtSecret,
    publicKeyPem: config.ssoJwtPublicKey,
    issuer: config.ssoIssuer ?? '',
    audience: config.ssoAudience ?? '',
    usernameClaim: config.ssoUsernameClaim ?? 'sub',
    groupsClaim: config.ssoGroupsClaim ?? 'groups',
  });
}

export const ssoPlugin = fp(
  async (app: FastifyInstance) => {
    // A misconfigured SSO stops the start with the variable to fix, rather than failing each sign-on.
    const verifier = ssoVerifierFromConfig(app.config);
    const defaultRole = app.config.ssoDefaultRole ?? 'viewer';
    if (verifier && defaultRole !== 'none' && !(await app.rbac.store.roleByName(defaultRole))) {
      throw new Error(`SSO_DEFAULT_ROLE: no role named "${defaultRole}" (use an existing role, or "none")`);
    }
    if (verifier) app.log.info({ algorithms: verifier.algorithms, issuer: app.config.ssoIssuer }, 'host application sign-on enabled');
    const tokenUses = new SsoTokenUses(app.db);

    await app.register(
      async (api) => {
        api.post<{ Body: SsoExchangeRequest }>(
          '/auth/sso',
          {
            config: { public: true },
            schema: {
              body: SsoExchangeRequestSchema,
              response: { 200: LoginResponseSchema, 400: ApiErrorSchema, 401: ApiErrorSchema, 404: ApiErrorSchema, 409: ApiErrorSchema },
            },
          },
          async (request) => {
            if (!verifier) throw new ApiError(404, 'SSO_NOT_CONFIGURED', 'sign-on from a host application is not configured (SSO_JWT_SECRET or SSO_JWT_PUBLIC_KEY)');
            let identity;
            try {
              identity = verifier.verify(request.body.token);
            } catch (err) {
              if (!(err instanceof SsoTokenError)) throw err;
              await app.audit.record({ action: 'sso', outcome: 'failure', address: request.ip, status: 401, detail: err.message });
              throw new ApiError(401, 'INVALID_SSO_TOKEN', err.message);
            }
            // A token that names itself (jti) is exchanged once, on whichever replica comes first:
            // a copy (from a log, a proxy, the browser's history) cannot sign in again.
            if (identity.tokenId !== undefined) {
              const until = new Date(identity.expiresAt.getTime() + verifier.clockToleranceMs);
              if (!(await tokenUses.claim(app.config.ssoIssuer ?? '', identity.tokenId, until))) {
                await app.audit.record({ action: 'sso', outcome: 'denied', username: identity.username, address: request.ip, status: 401, detail: 'sign-on token already used' });
                throw new ApiError(401, 'SSO_TOKEN_REUSED', 'this sign-on token was used already: ask the host application for a new one');
              }
            }
            const { store, users } = app.rbac;
            let user = await users.findByUsername(identity.username);
            if (user && user.source !== 'sso') {
              // A host must not be able to sign in as a local account (the bootstrap admin, say).
              await app.audit.record({ action: 'sso', outcome: 'denied', username: identity.username, address: request.ip, status: 409, detail: 'a local user has this name' });
              throw ApiError.conflict('LOCAL_USER_EXISTS', `a local console user named "${identity.username}" exists; the host application cannot sign in as it`);
            }
            if (!user) {
              try {
                user = await users.create({ username: identity.username, password: null, groups: identity.groups, source: 'sso' });
              } catch (err) {
                // The same user's first sign-on on a sibling replica at the same moment.
                user = await users.findByUsername(identity.username);
                if (!user) throw err;
              }
              if (defaultRole !== 'none') await store.ensureBinding(defaultRole, 'user', user.username);
              request.log.info({ username: user.username }, 'user created by first sign-on');
            } else if (JSON.stringify([...user.groups].sort()) !== JSON.stringify([...identity.groups].sort())) {
              user = await users.update(user.id, { groups: identity.groups });
              store.touch();
            }
            if (user.disabled) {
              await app.audit.record({ action: 'sso', outcome: 'denied', userId: user.id, username: user.username, address: request.ip, status: 401, detail: 'user disabled' });
              throw new ApiError(401, 'USER_DISABLED', `user "${user.username}" is disabled`);
            }
            return app.sessions.start(user, request.ip, 'sso');
          },
        );
      },
      { prefix: '/api/v1' },
    );
  },
  { name: 'sso', dependencies: ['config', 'auth', 'audit', 'sessions', 'rbac'] },
);
