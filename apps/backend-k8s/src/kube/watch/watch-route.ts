// `/api/v1/ws`: the watch hub's WebSocket. The bearer token arrives as a subprotocol and is
// checked by the auth plugin's hook before the upgrade; a missing subject here is a 401 sent as a
// plain HTTP answer, so the browser never gets an open socket without a user.
import type { FastifyInstance } from 'fastify';
import { WATCH_PROTOCOL } from '@k8s-console/contracts';
import type { Authorizer } from '../../rbac/authorizer.js';
import type { KubeAccess } from '../kube-access.js';
import type { WatchHub } from './watch-hub.js';
import { WatchSession } from './watch-session.js';

export interface WatchRouteOptions {
  hub: WatchHub;
  kube: KubeAccess;
  authorizer: () => Authorizer;
}

export async function watchRoute(app: FastifyInstance, opts: WatchRouteOptions): Promise<void> {
  app.get(
    '/api/v1/ws',
    {
      websocket: true,
      preValidation: async (request, reply) => {
        if (!request.subject) {
          return reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: 'offer the token as the base64url.bearer.authorization.k8s.io.<token> subprotocol' } });
        }
        const offered = String(request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
        if (!offered.includes(WATCH_PROTOCOL)) {
          return reply.code(400).send({ error: { code: 'PROTOCOL_REQUIRED', message: `offer the ${WATCH_PROTOCOL} subprotocol` } });
        }
      },
    },
    (socket, request) => {
      let forget: (() => void) | undefined;
      const session = new WatchSession(socket, request.subject!, {
        hub: opts.hub,
        authorizer: opts.authorizer,
        resolveCluster: (id) => opts.kube.connection(id),
        onShutdown: () => forget?.(),
      });
      // re-authorized when users, roles or bindings change (absent when console RBAC is not loaded)
      if (app.hasDecorator('liveSessions')) forget = app.liveSessions.add(session);
    },
  );
}
