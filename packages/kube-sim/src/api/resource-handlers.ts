// The REST verbs on a resource: get, list, create, update, patch, delete, deletecollection, and
// the status and scale subresources, with Table output and dryRun.
import type { ServerResponse } from 'node:http';
import { stringify as toYaml } from 'yaml';
import { badRequest, invalid, methodNotAllowed, notAcceptable, notFound, unsupportedMediaType, StatusError } from '../errors/status-error.js';
import { apiVersionOf, hasSubresource, type ResourceDef } from '../resources/resource-def.js';
import type { K8sObject } from '../store/k8s-object.js';
import type { DeleteOptions, PatchType } from '../store/object-store.js';
import { cloneJson, readPath } from '../store/json-values.js';
import { formatLabelSelector, type LabelSelectorSpec } from '../store/selectors.js';
import { includeObjectOf, toTable } from '../table/table-printer.js';
import { negotiate, type Representation } from './content-negotiation.js';
import { listItemJson, parseBody, readBody, sendJson, sendList } from './http-io.js';
import { fieldManagerOf, isDryRun, present, toStored, type ResourceContext } from './request-context.js';
import { converterFor } from '../resources/version-conversion.js';
import { validateDeleteOptions, validateListOptions, validateWriteOptions, type DeleteOptionsBody } from './request-options.js';
import { applyStrategicMergePatch } from '../patch/strategic-merge-patch.js';
import { serverSideApply } from '../patch/server-side-apply.js';
import { applyMergePatch } from '../patch/merge-patch.js';
import { applyJsonPatch } from '../patch/json-patch.js';

function representation(ctx: ResourceContext): Representation {
  const rep = negotiate(ctx.req.headers.accept, { table: true });
  if (!rep) throw notAcceptable();
  return rep;
}

function sendObject(ctx: ResourceContext, res: ServerResponse, code: number, obj: K8sObject): void {
  const rep = representation(ctx);
  const shown = present(ctx, obj);
  if (rep.kind === 'table' && ctx.req.method === 'GET') {
    const include = includeObjectOf(ctx.query);
    sendJson(res, code, toTable(ctx.def, ctx.version, [shown], { resourceVersion: shown.metadata?.resourceVersion }, include));
  } else if (rep.kind === 'partial-metadata' && ctx.req.method === 'GET') {
    sendJson(res, code, { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${rep.version}`, metadata: shown.metadata });
  } else if (rep.kind === 'yaml') {
    const text = toYaml(shown);
    res.writeHead(code, { 'Content-Type': 'application/yaml', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  } else sendJson(res, code, shown);
}

async function readObject(ctx: ResourceContext): Promise<K8sObject> {
  const body = parseBody(await readBody(ctx.req), ctx.req.headers['content-type']);
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the request body must be a JSON object');
  const metadata = (body as K8sObject).metadata;
  if (metadata !== undefined && metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata))) {
    throw cannotDecode(ctx, `json: cannot unmarshal ${Array.isArray(metadata) ? 'array' : typeof metadata} into Go struct field ${ctx.def.kind}.metadata of type v1.ObjectMeta`);
  }
  return body as K8sObject;
}

/** The 400 of a body that does not decode into the kind (what a typed apiserver says). */
const cannotDecode = (ctx: ResourceContext, why: string): StatusError =>
  badRequest(`${ctx.def.kind} in version "${ctx.version}" cannot be handled as a ${ctx.def.kind}: ${why}`);

/**
 * kube-sim has no schemas: a body whose fields have the wrong JSON types (a string where the kind
 * has an object) fails in defaulting or validation with a TypeError. The apiserver refuses such a
 * body when decoding it (400) and such a patch result as invalid (422), never with a 500.
 */
function refuseMalformed<T>(ctx: ResourceContext, what: 'body' | 'patch', write: () => T): T {
  try {
    return write();
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    if (what === 'body') throw cannotDecode(ctx, `a field has the wrong type (${err.message})`);
    throw new StatusError(422, 'Invalid', ` "" is invalid: patch: Invalid value: the patched ${ctx.def.kind} does not decode: ${err.message}`, {
      causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: the patched ${ctx.def.kind} does not decode: ${err.message}`, field: 'patch' }],
    });
  }
}

function checkTypeMeta(ctx: ResourceContext, obj: K8sObject): void {
  const expected = apiVersionOf(ctx.def.group, ctx.version);
  if (obj.apiVersion && obj.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expected})`);
  }
  if (obj.kind && obj.kind !== ctx.def.kind) throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${ctx.def.kind})`);
  const ns = obj.metadata?.namespace;
  if (ctx.namespace && ns && ns !== ctx.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
}

/**
 * The storage layer refuses to create an object that names a resourceVersion (a positive integer;
 * anything else is ignored), with an unclassified 500 — what a client sees when it creates from an
 * exported manifest.
 */
function refuseResourceVersionOnCreate(obj: K8sObject): void {
  const rv = obj.metadata?.resourceVersion;
  if (typeof rv === 'string' && /^\d+$/.test(rv) && Number(rv) > 0) {
    throw new StatusError(500, '', 'resourceVersion should not be set on objects to be created');
  }
}

/** What the apiserver's field manager requires of an applied configuration before merging it. */
function checkApplyBody(ctx: ResourceContext, body: unknown): void {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('error decoding YAML: the applied configuration must be an object');
  const obj = body as K8sObject;
  const expected = apiVersionOf(ctx.def.group, ctx.version);
  if (obj.apiVersion !== expected) {
    throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${typeof obj.apiVersion === 'string' ? obj.apiVersion : ''}, expected: ${expected}`);
  }
  if (obj.metadata?.managedFields !== undefined && obj.metadata.managedFields !== null) throw badRequest('metadata.managedFields must be nil');
  checkTypeMeta(ctx, obj);
}

/** A client's create starts with the status the apiserver's strategy gives (kubelets and controllers fill the rest). */
function resetStatusForCreate(def: ResourceDef, obj: K8sObject): void {
  if (!hasSubresource(def, 'status') || (def.group === '' && def.resource === 'nodes')) return;
  delete obj.status;
  if (def.group === '' && def.resource === 'pods') obj.status = { phase: 'Pending', qosClass: qosClass(obj) };
}

function qosClass(pod: K8sObject): string {
  const containers = (pod.spec?.containers ?? []) as K8sObject[];
  const res = containers.map((c) => c.resources ?? {});
  if (res.every((r) => !r.requests && !r.limits)) return 'BestEffort';
  const guaranteed = res.every((r) => r.limits?.cpu && r.limits?.memory && (!r.requests || (r.requests.cpu === r.limits.cpu && r.requests.memory === r.limits.memory)));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export async function handleList(ctx: ResourceContext, res: ServerResponse): Promise<void> {
  const rep = representation(ctx);
  const q = ctx.query;
  validateListOptions(q, false);
  let limit = q.get('limit') ? Number(q.get('limit')) : undefined;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw badRequest(`invalid limit: ${q.get('limit')}`);
  const rv = q.get('resourceVersion') ?? '';
  if (q.get('continue') && rv !== '' && rv !== '0') throw badRequest('specifying resource version is not allowed when using continue');
  // resourceVersion=0 is served from the watch cache, which does not page: the whole list, no continue
  if (rv === '0' && !q.get('continue')) limit = undefined;
  const result = ctx.store.list(ctx.def, {
    namespace: ctx.namespace,
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
    limit,
    continue: q.get('continue') ?? undefined,
  });
  const listMeta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
  if (result.continue) listMeta.continue = result.continue;
  if (result.remainingItemCount !== undefined) listMeta.remainingItemCount = result.remainingItemCount;
  const items = ctx.version === ctx.def.version ? result.items : result.items.map((o) => present(ctx, o));
  if (rep.kind === 'table') {
    const include = includeObjectOf(q);
    const { rows, ...head } = toTable(ctx.def, ctx.version, items, listMeta, include);
    await sendList(res, head, rows, 'application/json', 'rows');
    return;
  }
  if (rep.kind === 'partial-metadata') {
    const v = `meta.k8s.io/${rep.version}`;
    await sendList(res, { kind: 'PartialObjectMetadataList', apiVersion: v, metadata: listMeta }, items.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion: v, metadata: o.metadata })));
    return;
  }
  const head = { kind: ctx.def.listKind, apiVersion: apiVersionOf(ctx.def.group, ctx.version), metadata: listMeta };
  const typedItems = ctx.def.custom === undefined;
  if (rep.kind === 'yaml') {
    const text = toYaml({ ...head, items: typedItems ? items.map(withoutTypeMeta) : items });
    res.writeHead(200, { 'Content-Type': 'application/yaml' });
    res.end(text);
    return;
  }
  await sendList(res, head, items, 'application/json', 'items', typedItems ? listItemJson : undefined);
}

const withoutTypeMeta = (obj: K8sObject): K8sObject => {
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
};

export function handleGet(ctx: ResourceContext, res: ServerResponse): void {
  sendObject(ctx, res, 200, ctx.store.mustGet(ctx.def, ctx.namespace, ctx.name ?? ''));
}

export async function handleCreate(ctx: ResourceContext, res: ServerResponse): Promise<void> {
  validateWriteOptions(ctx.query, 'CreateOptions');
  const obj = await readObject(ctx);
  checkTypeMeta(ctx, obj);
  refuseResourceVersionOnCreate(obj);
  obj.metadata = { ...obj.metadata };
  if (ctx.def.namespaced) obj.metadata.namespace = ctx.namespace ?? obj.metadata.namespace;
  resetStatusForCreate(ctx.def, obj);
  const created = refuseMalformed(ctx, 'body', () => ctx.store.create(ctx.def, toStored(ctx, obj), { dryRun: isDryRun(ctx.query), fieldManager: fieldManagerOf(ctx) }));
  sendObject(ctx, res, 201, created);
}

export async function handleUpdate(ctx: ResourceContext, res: ServerResponse, subresource?: 'status'): Promise<void> {
  validateWriteOptions(ctx.query, 'UpdateOptions');
  const obj = await readObject(ctx);
  checkTypeMeta(ctx, obj);
  if (obj.metadata?.name && obj.metadata.name !== ctx.name) {
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${ctx.name})`);
  }
  obj.metadata = { ...obj.metadata, name: ctx.name, ...(ctx.def.namespaced ? { namespace: ctx.namespace } : {}) };
  const live = ctx.store.get(ctx.def, ctx.namespace, ctx.name ?? '');
  // custom resources and CRDs allow no unconditional update: a PUT must name the resourceVersion
  const unconditionalRefused = ctx.def.custom !== undefined || (ctx.def.group === 'apiextensions.k8s.io' && ctx.def.resource === 'customresourcedefinitions');
  if (live && unconditionalRefused && !obj.metadata?.resourceVersion) {
    throw invalid(ctx.def.resource, ctx.def.group, ctx.name ?? '', [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0x0: must be specified for an update', field: 'metadata.resourceVersion' }]);
  }
  const updated = refuseMalformed(ctx, 'body', () => ctx.store.update(ctx.def, toStored(ctx, obj, live), {
    dryRun: isDryRun(ctx.query),
    fieldManager: fieldManagerOf(ctx),
    preserveStatus: subresource !== 'status',
    ...(subresource ? { subresource } : {}),
  }));
  sendObject(ctx, res, 200, updated);
}

const patchTypes: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

function patchTypeOf(ctx: ResourceContext): PatchType {
  const contentType = (ctx.req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  const type = patchTypes[contentType];
  if (!type) throw unsupportedMediaType(contentType || '<none>');
  return type;
}

export async function handlePatch(ctx: ResourceContext, res: ServerResponse, subresource?: 'status'): Promise<void> {
  const type = patchTypeOf(ctx);
  validateWriteOptions(ctx.query, 'PatchOptions', type === 'apply');
  const body = parseBody(await readBody(ctx.req), type === 'apply' ? 'application/yaml' : 'application/json');
  if (type === 'apply') checkApplyBody(ctx, body);
  const live = ctx.store.get(ctx.def, ctx.namespace, ctx.name ?? '');
  const existed = live !== undefined;
  if (!existed && type === 'apply') refuseResourceVersionOnCreate(body as K8sObject);
  const force = ctx.query.get('force') === 'true';
  if (converterFor(ctx.def, ctx.version)) {
    sendObject(ctx, res, existed ? 200 : 201, refuseMalformed(ctx, 'patch', () => patchConverted(ctx, live, type, body, force, subresource)));
    return;
  }
  const result = refuseMalformed(ctx, 'patch', () => ctx.store.patch(ctx.def, ctx.namespace, ctx.name ?? '', type, body, {
    dryRun: isDryRun(ctx.query),
    fieldManager: type === 'apply' ? (ctx.query.get('fieldManager') ?? undefined) : fieldManagerOf(ctx),
    force,
    preserveStatus: subresource !== 'status',
    ...(subresource ? { subresource } : {}),
  }));
  sendObject(ctx, res, existed ? 200 : 201, result);
}

/** A patch in a converted version (autoscaling/v1 HPAs): applied to the object as that version shows it. */
function patchConverted(ctx: ResourceContext, live: K8sObject | undefined, type: PatchType, body: unknown, force: boolean, subresource?: 'status'): K8sObject {
  const opts = { dryRun: isDryRun(ctx.query), preserveStatus: subresource !== 'status', ...(subresource ? { subresource } : {}) };
  if (!live) {
    if (type !== 'apply') throw notFound(ctx.def, ctx.name ?? '');
    const body2 = toStored(ctx, { ...(body as K8sObject), metadata: { ...(body as K8sObject).metadata, name: ctx.name, namespace: ctx.namespace } });
    return ctx.store.create(ctx.def, body2, { ...opts, fieldManager: ctx.query.get('fieldManager') ?? undefined });
  }
  const shown = present(ctx, live);
  let patched: K8sObject;
  if (type === 'json') patched = applyJsonPatch(shown, body);
  else if (type === 'merge') patched = applyMergePatch(shown, body) as K8sObject;
  else if (type === 'strategic') patched = applyStrategicMergePatch(shown, body, ctx.def.kind) as K8sObject;
  else {
    const manager = ctx.query.get('fieldManager');
    if (!manager) throw badRequest('PATCH with the apply content type requires fieldManager to be set');
    patched = serverSideApply(shown, body as K8sObject, { manager, force, kind: ctx.def.kind, apiVersion: shown.apiVersion ?? '' });
  }
  const stored = toStored(ctx, patched, live);
  stored.metadata = { ...stored.metadata, name: ctx.name, resourceVersion: patched.metadata?.resourceVersion || live.metadata?.resourceVersion };
  return ctx.store.update(ctx.def, stored, { ...opts, ...(type === 'apply' ? {} : { fieldManager: fieldManagerOf(ctx) }) });
}

async function readDeleteOptions(ctx: ResourceContext): Promise<DeleteOptions & { dryRunAll: boolean }> {
  const raw = await readBody(ctx.req);
  // as the apiserver decodes them: from the body when there is one (the query is then ignored), else from the query
  let body: DeleteOptionsBody & { preconditions?: DeleteOptions['preconditions'] };
  if (raw.length > 0 && raw.toString('utf8').trim() !== '') {
    const parsed = parseBody(raw, 'application/json');
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('the request body must be a DeleteOptions object');
    body = parsed as typeof body;
    // a dryRun that is not a list does not decode (it must never fall back to a real delete)
    if (body.dryRun !== undefined && body.dryRun !== null && !Array.isArray(body.dryRun)) {
      throw badRequest(`json: cannot unmarshal ${typeof body.dryRun} into Go struct field DeleteOptions.dryRun of type []string`);
    }
  } else {
    const q = ctx.query;
    body = {
      ...(q.has('propagationPolicy') ? { propagationPolicy: q.get('propagationPolicy') } : {}),
      ...(q.has('orphanDependents') ? { orphanDependents: q.get('orphanDependents') === 'true' } : {}),
      dryRun: q.getAll('dryRun'),
    };
  }
  validateDeleteOptions(body);
  let policy = body.propagationPolicy as DeleteOptions['propagationPolicy'];
  if (policy === undefined && body.orphanDependents === true) policy = 'Orphan';
  return {
    propagationPolicy: policy,
    preconditions: body.preconditions,
    dryRunAll: Array.isArray(body.dryRun) && body.dryRun.includes('All'),
  };
}

export async function handleDelete(ctx: ResourceContext, res: ServerResponse): Promise<void> {
  const opts = await readDeleteOptions(ctx);
  const deleted = ctx.store.delete(ctx.def, ctx.namespace, ctx.name ?? '', { ...opts, dryRun: opts.dryRunAll });
  sendObject(ctx, res, 200, deleted);
}

export async function handleDeleteCollection(ctx: ResourceContext, res: ServerResponse): Promise<void> {
  const opts = await readDeleteOptions(ctx);
  const deleted = ctx.store.deleteCollection(
    ctx.def,
    { namespace: ctx.namespace, labelSelector: ctx.query.get('labelSelector') ?? undefined, fieldSelector: ctx.query.get('fieldSelector') ?? undefined },
    { ...opts, dryRun: opts.dryRunAll },
  );
  sendJson(res, 200, {
    kind: ctx.def.listKind,
    apiVersion: apiVersionOf(ctx.def.group, ctx.version),
    metadata: { resourceVersion: ctx.store.resourceVersion },
    items: deleted.map((o) => present(ctx, o)).map((o) => (ctx.def.custom ? o : withoutTypeMeta(o))),
  });
}

/** Paths of spec.replicas, status.replicas and the selector for a resource's scale subresource. */
function scalePaths(def: ResourceDef): { spec: string; status: string; selector?: string } | undefined {
  if (def.custom?.scale) {
    const strip = (p: string): string => p.replace(/^\./, '');
    return { spec: strip(def.custom.scale.specReplicasPath), status: strip(def.custom.scale.statusReplicasPath), selector: def.custom.scale.labelSelectorPath ? strip(def.custom.scale.labelSelectorPath) : undefined };
  }
  if (hasSubresource(def, 'scale')) return { spec: 'spec.replicas', status: 'status.replicas', selector: 'spec.selector' };
  return undefined;
}

function toScale(def: ResourceDef, obj: K8sObject): K8sObject {
  const paths = scalePaths(def)!;
  const m = obj.metadata ?? {};
  const selector = paths.selector ? readPath(obj, paths.selector) : undefined;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: Number(readPath(obj, paths.spec) ?? 0) },
    status: {
      replicas: Number(readPath(obj, paths.status) ?? 0),
      ...(selector ? { selector: scaleSelector(selector) } : {}),
    },
  };
}

/** Scale.status.selector: a LabelSelector, or a ReplicationController's plain label map, as a selector string. */
function scaleSelector(selector: unknown): string {
  if (typeof selector === 'string') return selector;
  const sel = selector as Record<string, unknown>;
  const structured = 'matchLabels' in sel || 'matchExpressions' in sel;
  return formatLabelSelector(structured ? (sel as LabelSelectorSpec) : { matchLabels: sel as Record<string, string> });
}

function setPath(obj: K8sObject, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: K8sObject = obj;
  for (const p of parts.slice(0, -1)) cur = (cur[p] ??= {}) as K8sObject;
  cur[parts[parts.length - 1] ?? ''] = value;
}

export async function handleScale(ctx: ResourceContext, res: ServerResponse): Promise<void> {
  const paths = scalePaths(ctx.def);
  if (!paths) throw notFound({ group: ctx.def.group, resource: `${ctx.def.resource}/scale` }, ctx.name ?? '');
  const current = ctx.store.mustGet(ctx.def, ctx.namespace, ctx.name ?? '');
  const method = ctx.req.method;
  if (method === 'GET') {
    sendJson(res, 200, toScale(ctx.def, current));
    return;
  }
  let scale: K8sObject;
  if (method === 'PUT') {
    validateWriteOptions(ctx.query, 'UpdateOptions');
    scale = await readObject(ctx);
  } else if (method === 'PATCH') {
    const type = patchTypeOf(ctx);
    validateWriteOptions(ctx.query, 'PatchOptions', type === 'apply');
    const body = parseBody(await readBody(ctx.req), type === 'apply' ? 'application/yaml' : 'application/json');
    const before = toScale(ctx.def, current);
    scale = type === 'json' ? applyJsonPatch(before, body) : (applyMergePatch(before, body) as K8sObject);
  } else throw methodNotAllowed();
  const replicas = scale.spec?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw new StatusError(422, 'Invalid', `Scale.autoscaling "${ctx.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, {
      name: ctx.name, group: 'autoscaling', kind: 'Scale',
      causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, field: 'spec.replicas' }],
    });
  }
  const next = cloneJson(current);
  setPath(next, paths.spec, replicas);
  const rv = scale.metadata?.resourceVersion;
  next.metadata = { ...next.metadata, resourceVersion: rv || current.metadata?.resourceVersion };
  const updated = ctx.store.update(ctx.def, next, { dryRun: isDryRun(ctx.query), fieldManager: fieldManagerOf(ctx), preserveStatus: true });
  sendJson(res, 200, toScale(ctx.def, updated));
}
