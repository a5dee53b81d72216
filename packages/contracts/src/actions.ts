// Typed cluster actions (POST /api/v1/clusters/:id/actions/<action>) and multi-document apply
// (POST /api/v1/clusters/:id/apply). Each is authorized with the Kubernetes attributes of the
// calls it makes (e.g. scale = patch deployments/scale).
import { Type, type Static } from '@sinclair/typebox';

const name = (description = 'object name') => Type.String({ minLength: 1, maxLength: 253, description });

export const ScaleRequestSchema = Type.Object(
  {
    resource: Type.Union([Type.Literal('deployments'), Type.Literal('statefulsets'), Type.Literal('replicasets')]),
    namespace: name('namespace'),
    name: name(),
    replicas: Type.Integer({ minimum: 0, maximum: 100_000 }),
  },
  { $id: 'ScaleRequest', additionalProperties: false },
);
export type ScaleRequest = Static<typeof ScaleRequestSchema>;

export const RestartRequestSchema = Type.Object(
  {
    resource: Type.Union([Type.Literal('deployments'), Type.Literal('statefulsets'), Type.Literal('daemonsets')]),
    namespace: name('namespace'),
    name: name(),
  },
  { $id: 'RestartRequest', additionalProperties: false },
);
export type RestartRequest = Static<typeof RestartRequestSchema>;

export const NodeRequestSchema = Type.Object({ node: name('node name') }, { $id: 'NodeRequest', additionalProperties: false });
export type NodeRequest = Static<typeof NodeRequestSchema>;

export const DrainRequestSchema = Type.Object(
  {
    node: name('node name'),
    /**
     * pods owned by a DaemonSet are left alone (as kubectl drain --ignore-daemonsets); default true.
     * false: a DaemonSet pod on the node stops the drain before any eviction, as kubectl's does
     */
    ignoreDaemonSets: Type.Optional(Type.Boolean()),
    /** evict pods with emptyDir volumes (their data is lost); default false: they are listed as not evicted */
    deleteEmptyDirData: Type.Optional(Type.Boolean()),
    /**
     * evict pods no controller manages too (as kubectl drain --force): nothing recreates them;
     * default false: they are listed as skipped
     */
    force: Type.Optional(Type.Boolean()),
    gracePeriodSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
    /**
     * how long to keep retrying evictions a PodDisruptionBudget refuses (429), every 2 s, as
     * kubectl drain does; default 0: refused pods are listed at once
     */
    waitForBudgetsSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 600 })),
  },
  { $id: 'DrainRequest', additionalProperties: false },
);
export type DrainRequest = Static<typeof DrainRequestSchema>;

const str = Type.String();
export const PodRefSchema = Type.Object({ namespace: str, name: str });
export type PodRef = Static<typeof PodRefSchema>;

export const DrainResultSchema = Type.Object(
  {
    node: str,
    cordoned: Type.Boolean(),
    /**
     * pods whose eviction the apiserver accepted (or that were already gone); they terminate in
     * their grace period after the answer (kubectl drain also waits for that; the console answers at once)
     */
    evicted: Type.Array(PodRefSchema),
    /** pods deliberately left (DaemonSet pods, mirror pods, emptyDir without deleteEmptyDirData, pods without a controller without force) */
    skipped: Type.Array(Type.Object({ namespace: str, name: str, reason: str })),
    /** evictions the cluster refused, e.g. 429 because a PodDisruptionBudget allows no disruption */
    failed: Type.Array(Type.Object({ namespace: str, name: str, code: Type.Integer(), reason: str, message: str })),
  },
  { $id: 'DrainResult' },
);
export type DrainResult = Static<typeof DrainResultSchema>;

export const DeleteRequestSchema = Type.Object(
  {
    group: Type.String({ maxLength: 253, description: "'' for core" }),
    version: Type.String({ minLength: 1, maxLength: 64 }),
    resource: name('plural resource name'),
    namespace: Type.Optional(name('namespace')),
    name: name(),
    propagationPolicy: Type.Optional(Type.Union([Type.Literal('Foreground'), Type.Literal('Background'), Type.Literal('Orphan')])),
    gracePeriodSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
  },
  { $id: 'DeleteRequest', additionalProperties: false },
);
export type DeleteRequest = Static<typeof DeleteRequestSchema>;

/** What scale, restart, cordon, uncordon and delete answer: the object as the cluster now has it. */
export const ActionResultSchema = Type.Object({ ok: Type.Literal(true), object: Type.Optional(Type.Unknown()) }, { $id: 'ActionResult' });
export type ActionResult = Static<typeof ActionResultSchema>;

export const ApplyRequestSchema = Type.Object(
  {
    yaml: Type.String({ minLength: 1, maxLength: 5 * 1024 * 1024, description: 'one or more YAML documents separated by ---' }),
    /** true (default): only compute what would change; false: apply for real */
    dryRun: Type.Optional(Type.Boolean()),
    /** namespace for namespaced objects that name none */
    namespace: Type.Optional(name('default namespace')),
    /** take over fields other managers own (server-side apply force) */
    force: Type.Optional(Type.Boolean()),
  },
  { $id: 'ApplyRequest', additionalProperties: false },
);
export type ApplyRequest = Static<typeof ApplyRequestSchema>;

export const ApplyDocumentResultSchema = Type.Object(
  {
    /** position of the document in the YAML, from 0 */
    index: Type.Integer(),
    apiVersion: Type.Optional(str),
    kind: Type.Optional(str),
    namespace: Type.Optional(str),
    name: Type.Optional(str),
    /** created: did not exist; configured: changed; unchanged: applying changes nothing; failed: see error */
    action: Type.Union([Type.Literal('created'), Type.Literal('configured'), Type.Literal('unchanged'), Type.Literal('failed')]),
    /** a unified diff of the object's YAML (managedFields, resourceVersion and status left out) */
    diff: Type.Optional(str),
    error: Type.Optional(Type.Object({ code: str, message: str, field: Type.Optional(str) })),
  },
  { $id: 'ApplyDocumentResult' },
);
export type ApplyDocumentResult = Static<typeof ApplyDocumentResultSchema>;

export const ApplyResultSchema = Type.Object({ dryRun: Type.Boolean(), documents: Type.Array(ApplyDocumentResultSchema) }, { $id: 'ApplyResult' });
export type ApplyResult = Static<typeof ApplyResultSchema>;
