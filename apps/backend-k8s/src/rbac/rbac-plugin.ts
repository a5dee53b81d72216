// Console RBAC: replaces the allow-everyone authorizer with the role-based one, seeds the built-in
// roles and binds the bootstrap admins' group to `admin`, and serves the users, roles, bindings
// and permissions APIs. Registered before every domain that captures `app.authorizer`.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { ADMIN_GROUP } from '../auth/bootstrap-admin.js';
import { toUser } from '../auth/user-store.js';
import { LiveSessions } from './live-sessions.js';
import { permissionRoutes } from './permission-routes.js';
import { RbacAuthorizer } from './rbac-authorizer.js';
import { RbacStore } from './rbac-store.js';
import { roleBindingRoutes } from './role-binding-routes.js';
import { roleRoutes } from './role-routes.js';
import { UserAdminStore } from './user-admin-store.js';
import { userRoutes } from './user-routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    rbac: { store: RbacStore; users: UserAdminStore; authorizer: RbacAuthorizer };
    /** open watches, log streams and terminals, authorized again when users, roles or bindings change */
    liveSessions: LiveSessions;
  }
}

export const rbacPlugin = fp(
  async (app: FastifyInstance) => {
    let authorizer: RbacAuthorizer | null = null;
    const liveSessions = new LiveSessions(async (userId) => {
      const row = await app.users.findById(userId);
      const user = row && toUser(row);
      return user && !user.disabled ? { userId: user.id, username: user.username, groups: user.groups } : null;
    }, app.log.child({ module: 'live-sessions' }));
    const changed = () => {
      authorizer?.invalidate();
      void liveSessions.recheckAll();
    };
    const store = new RbacStore(app.db, changed);
    authorizer = new RbacAuthorizer({
      source: (subject) => store.rulesForSubject(subject),
      onDenied: (subject, attrs, reason) => app.recordAuthorizerDenial(subject, attrs, reason),
    });
    const users = new UserAdminStore(app.db, changed);
    app.decorate('liveSessions', liveSessions);
    app.addHook('onReady', async () => liveSessions.start(app.config.sessionRecheckIntervalMs));
    app.addHook('onClose', async () => liveSessions.stop());

    await store.ensureBuiltInRoles();
    await store.ensureBinding('admin', 'group', ADMIN_GROUP);

    app.authorizer = authorizer;
    app.decorate('rbac', { store, users, authorizer });

    const opts = { store, users, authorizer };
    await app.register(
      async (api) => {
        await api.register(userRoutes, opts);
        await api.register(roleRoutes, opts);
        await api.register(roleBindingRoutes, opts);
        await api.register(permissionRoutes, opts);
      },
      { prefix: '/api/v1' },
    );
  },
  { name: 'rbac', dependencies: ['config', 'db', 'auth', 'audit', 'sessions'] },
);
