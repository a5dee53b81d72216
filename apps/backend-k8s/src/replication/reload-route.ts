// POST /api/v1/internal/clusters/:id/reload — a sibling says a cluster changed; this replica
// re-reads the row. Not behind the user JWT: only a request signed with INTERNAL_SECRET, fresh
// and not seen before, is served. nginx and the Ingress never route /api/v1/internal.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ApiErrorSchema, IdParamsSchema, type IdParams } from '@k8s-console/contracts';
import { ApiError } from '../errors/api-error.js';
import type { ReplicationMetrics } from './metrics.js';
import type { RequestVerifier, VerifyFailure } from './signing.js';

const ReloadBodySchema = Type.Object(
  {
    action: Type.Optional(Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('deleted')])),
    version: Type.Optional(Type.Integer({ minimum: 0 })),
    origin: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
type ReloadBody = Static<typeof ReloadBodySchema>;

const ReloadResultSchema = Type.Object({
  id: Type.String(),
  /** the row's version now cached, or null when the cluster no longer exists */
  version: Type.Union([Type.Integer(), Type.Null()]),
});

export interface ReloadRouteOptions {
  verifier: RequestVerifier;
  metrics: ReplicationMetrics;
  /** when set, the route exists only for requests that arrived on this port */
  internalPort?: number | undefined;
}

const REFUSALS: Record<VerifyFailure, { status: number; code: string; message: string }> = {
  missing: { status: 401, code: 'SIGNATURE_REQUIRED', message: 'internal endpoints accept only requests signed by a sibling replica' },
  malformed: { status: 401, code: 'SIGNATURE_MALFORMED', message: 'the signature headers are malformed' },
  stale: { status: 403, code: 'SIGNATURE_STALE', message: 'the signed request is too old or from the future; check the clocks of the replicas' },
  'bad-signature': { status: 403, code: 'SIGNATURE_INVALID', message: 'the signature does not match; do the replicas share INTERNAL_SECRET?' },
  replayed: { status: 403, code: 'SIGNATURE_REPLAYED', message: 'this signed request was already served' },
};

export async function reloadRoute(app: FastifyInstance, options: ReloadRouteOptions): Promise<void> {
  // The signature covers the body's exact bytes, so keep them: replace the JSON parser in this
  // (encapsulated) context only.
  const rawBodies = new WeakMap<FastifyRequest, string>();
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 4096 }, (request, body, done) => {
    rawBodies.set(request, body as string);
    try {
      done(null, (body as string).length ? JSON.parse(body as string) : {});
    } catch (err) {
      done(ApiError.badRequest('MALFORMED_JSON', `the body is not valid JSON: ${(err as Error).message}`), undefined);
    }
  });

  app.post<{ Params: IdParams; Body: ReloadBody }>(
    '/clusters/:id/reload',
    {
      config: { public: true },
      schema: {
        params: IdParamsSchema,
        body: ReloadBodySchema,
        response: { 200: ReloadResultSchema, 400: ApiErrorSchema, 401: ApiErrorSchema, 403: ApiErrorSchema },
      },
      // on the public port, when there is an internal one, the route does not exist at all
      onRequest: async (request) => {
        if (options.internalPort !== undefined && request.socket.localPort !== options.internalPort) {
          throw new ApiError(404, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`);
        }
      },
      // before schema validation: an unsigned caller learns nothing about the body it should send
      preValidation: async (request) => {
        const result = options.verifier.verify(request.method, request.url, rawBodies.get(request) ?? '', request.headers);
        if (!result.ok) {
          const refusal = REFUSALS[result.reason];
          request.log.warn({ reason: result.reason, remote: request.ip }, 'refused an internal request');
          throw new ApiError(refusal.status, refusal.code, refusal.message);
        }
      },
    },
    async (request) => {
      const { id } = request.params;
      const version = await app.clusterConnections.reload(id);
      options.metrics.reloadsReceived.inc({ source: 'broadcast' });
      request.log.info(
        { clusterId: id, version, announced: request.body.version ?? null, action: request.body.action ?? null, origin: request.body.origin ?? null },
        'reloaded a cluster on a sibling\'s request',
      );
      return { id, version };
    },
  );
}
