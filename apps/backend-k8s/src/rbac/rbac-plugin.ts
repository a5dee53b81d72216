// Console RBAC: replaces the allow-everyone authorizer with the role-based one, seeds the built-in
// roles and binds the bootstrap admins' group to `admin`, and serves the users, roles, bindings
// and permissions APIs. Registered before every domain that captures `app.authorizer`.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { ADMIN_GROUP } from '../auth/bootstrap-admin.js';
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
  }
}

export const rbacPlugin = fp(
  async (app: FastifyInstance) => {
    let authorizer: RbacAuthorizer | null = null;
    const store = new RbacStore(app.db, () => authorizer?.invalidate());
    authorizer = new RbacAuthorizer({
      source: (subject) => store.rulesForSubject(subject),
      onDenied: (subject, attrs, reason) => app.recordAuthorizerDenial(subject, attrs, reason),
    });
    const users = new UserAdminStore(app.db);

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
