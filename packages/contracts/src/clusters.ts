// The cluster registry: what the web console sends to add/edit a cluster and what it gets back.
// No response shape here carries a kubeconfig or any credential from it, by design.
import { Type, type Static } from '@sinclair/typebox';
import { IdSchema, TimestampSchema } from './common.js';

/** DNS-label-like: lowercase letters, digits and '-', starting and ending alphanumeric, max 63. */
export const ClusterNameSchema = Type.String({
  minLength: 1,
  maxLength: 63,
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  description: "lowercase letters, digits and '-', starting and ending with a letter or digit",
});

/** Kubeconfig text as pasted or uploaded (YAML or JSON). 512 KiB is far above any real one. */
export const KubeconfigTextSchema = Type.String({ minLength: 1, maxLength: 512 * 1024 });

/** The context to use when the kubeconfig has several; defaults to current-context, or the only one. */
export const ContextNameSchema = Type.String({ minLength: 1, maxLength: 253 });

export const ClusterCreateInputSchema = Type.Object(
  {
    name: ClusterNameSchema,
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    kubeconfig: KubeconfigTextSchema,
    context: Type.Optional(ContextNameSchema),
  },
  { additionalProperties: false, $id: 'ClusterCreateInput' },
);
export type ClusterCreateInput = Static<typeof ClusterCreateInputSchema>;

/** PATCH: any subset; a new kubeconfig replaces the stored one (context picks within it). */
export const ClusterUpdateInputSchema = Type.Object(
  {
    name: Type.Optional(ClusterNameSchema),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    kubeconfig: Type.Optional(KubeconfigTextSchema),
    context: Type.Optional(ContextNameSchema),
  },
  { additionalProperties: false, minProperties: 1, $id: 'ClusterUpdateInput' },
);
export type ClusterUpdateInput = Static<typeof ClusterUpdateInputSchema>;

/** Query of POST /clusters and PATCH /clusters/:id: skipTest=true stores without a connection test. */
export const ClusterWriteQuerySchema = Type.Object(
  { skipTest: Type.Optional(Type.Boolean({ default: false })) },
  { additionalProperties: false },
);
export type ClusterWriteQuery = Static<typeof ClusterWriteQuerySchema>;

export const ClusterHealthStatusSchema = Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('unknown')]);
export type ClusterHealthStatus = Static<typeof ClusterHealthStatusSchema>;

export const ClusterHealthSchema = Type.Object({
  status: ClusterHealthStatusSchema,
  /** when the last check ran; null before the first one */
  checkedAt: Type.Union([TimestampSchema, Type.Null()]),
  /** the last check's failure in plain words; null when it succeeded */
  lastError: Type.Union([Type.String(), Type.Null()]),
});
export type ClusterHealth = Static<typeof ClusterHealthSchema>;

export const ClusterSchema = Type.Object(
  {
    id: IdSchema,
    name: Type.String(),
    description: Type.String(),
    /** apiserver URL (no credentials) */
    server: Type.String(),
    /** Kubernetes gitVersion from GET /version, e.g. v1.31.2; null until a check succeeds */
    version: Type.Union([Type.String(), Type.Null()]),
    health: ClusterHealthSchema,
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
    /** username of who added it */
    createdBy: Type.String(),
  },
  { $id: 'Cluster' },
);
export type Cluster = Static<typeof ClusterSchema>;
/** A row of the clusters list is the same shape as GET /clusters/:id. */
export type ClusterListItem = Cluster;
export const ClusterListItemSchema = ClusterSchema;

export const ClusterListSchema = Type.Object({ items: Type.Array(ClusterSchema) }, { $id: 'ClusterList' });
export type ClusterList = Static<typeof ClusterListSchema>;

/** Why a connection test failed, for the UI to pick an icon/hint; `message` says it in words. */
export const ConnectionFailureCodeSchema = Type.Union([
  Type.Literal('DNS'), // the host name does not resolve
  Type.Literal('REFUSED'), // nothing listens there
  Type.Literal('TIMEOUT'), // no answer in time
  Type.Literal('TLS'), // certificate not trusted / name mismatch / bad client cert
  Type.Literal('UNAUTHORIZED'), // 401: credentials rejected
  Type.Literal('FORBIDDEN'), // 403: credentials accepted but not allowed to GET /version
  Type.Literal('HTTP'), // another unexpected HTTP status
  Type.Literal('NETWORK'), // anything else on the wire
]);
export type ConnectionFailureCode = Static<typeof ConnectionFailureCodeSchema>;

export const ConnectionTestResultSchema = Type.Object(
  {
    ok: Type.Boolean(),
    server: Type.String(),
    /** gitVersion when ok */
    version: Type.Optional(Type.String()),
    /** round trip of GET /version in ms */
    durationMs: Type.Optional(Type.Integer({ minimum: 0 })),
    error: Type.Optional(Type.Object({ code: ConnectionFailureCodeSchema, message: Type.String() })),
  },
  { $id: 'ConnectionTestResult' },
);
export type ConnectionTestResult = Static<typeof ConnectionTestResultSchema>;

/** POST /clusters/test (a kubeconfig not saved yet) and POST /clusters/inspect take this. */
export const KubeconfigInputSchema = Type.Object(
  { kubeconfig: KubeconfigTextSchema, context: Type.Optional(ContextNameSchema) },
  { additionalProperties: false, $id: 'KubeconfigInput' },
);
export type KubeconfigInput = Static<typeof KubeconfigInputSchema>;

/** POST /clusters/inspect: the contexts of a kubeconfig, for the context picker (no credentials). */
export const KubeconfigInspectResultSchema = Type.Object(
  {
    currentContext: Type.Union([Type.String(), Type.Null()]),
    contexts: Type.Array(
      Type.Object({
        name: Type.String(),
        cluster: Type.String(),
        user: Type.String(),
        namespace: Type.Optional(Type.String()),
        server: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
  },
  { $id: 'KubeconfigInspectResult' },
);
export type KubeconfigInspectResult = Static<typeof KubeconfigInspectResultSchema>;
