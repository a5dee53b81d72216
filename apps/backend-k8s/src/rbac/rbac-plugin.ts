// Console RBAC: replaces the allow-everyone authorizer with the role-based one, seeds the built-in
// roles and binds the bootstrap admins' group to `admin`, and serves the users, roles, bindings
// and permissions APIs. Registered before every domain that captures `app.authorizer`.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { ADMIN_GROUP } from '../auth/bootstrap-admin.js';
import { toUser } from '../auth/user-store.js';
import { childLogger } from '../observability/logger-options.js';
import { LiveSessions } from './live-sessions.js';
import { permissionRoutes } from './permission-routes.js';
import { RbacAuthorizer } from './rbac-authorizer.js';
import { RbacStore } from './rbac-store.js';
import { roleBindingRoutes } from './role-binding-routes.js';
import { roleRoutes } from './role-routes.js';
import { UserAdminStore } from './user-admin-store.js';
import { userRoutes } from './user-routes.js';

/** What changed: users, roles or bindings in general, or also every sign-in of one user. */
export interface AccessChange {
  endedUserId?: string;
}

const SESSIONS_ENDED = 'your sessions were ended: sign in again';

declare module 'fastify' {
  interface FastifyInstance {
    rbac: {
      store: RbacStore;
      users: UserAdminStore;
      authorizer: RbacAuthorizer;
      /** listens for changes to users, roles or bindings made on this replica; returns the unsubscribe */
      onAccessChanged(listener: (change: AccessChange) => void): () => void;
      /** a sibling replica changed users, roles or bindings: drop cached rules, re-check open sockets */
      changedElsewhere(change: AccessChange): void;
      /** every sign-in of a user ended (password changed or reset): end their open sockets here and on siblings */
      endUserSessions(userId: string): void;
    };
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
    }, childLogger(app.log, { module: 'live-sessions' }));
    const accessListeners = new Set<(change: AccessChange) => void>();
    const changedElsewhere = (change: AccessChange) => {
      app.users.forget();
      authorizer?.invalidate();
      if (change.endedUserId) liveSessions.endUser(change.endedUserId, SESSIONS_ENDED);
      void liveSessions.recheckAll();
    };
    const tellSiblings = (change: AccessChange) => {
      for (const listener of accessListeners) listener(change);
    };
    const changed = () => {
      changedElsewhere({});
      tellSiblings({});
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
    app.decorate('rbac', {
      store,
      users,
      authorizer,
      onAccessChanged(listener: (change: AccessChange) => void) {
        accessListeners.add(listener);
        return () => void accessListeners.delete(listener);
      },
      changedElsewhere,
      endUserSessions(userId: string) {
        liveSessions.endUser(userId, SESSIONS_ENDED);
        tellSiblings({ endedUserId: userId });
      },
    });

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
