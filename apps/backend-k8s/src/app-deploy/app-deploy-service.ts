// Creates, edits, lists and deletes an "application": a Deployment, a Service and optionally an
// HPA and an Ingress, found again by the label app.k8s-console.io/name. Every write goes through
// the apply action (server-side apply, field manager k8s-console) after a server dry run of all
// objects; a create that fails part-way removes what it made and says what is left.
import { parseAllDocuments, stringify } from 'yaml';
import {
  APP_NAME_LABEL,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  generateAppManifests,
  parseAppManifests,
  validateAppDeploySpec,
  type AppDeployRequest,
  type AppDeployResult,
  type AppDeploySpec,
  type AppFieldError,
  type AppObjectRef,
  type AppObjectResult,
  type AppRef,
  type AppRefs,
  type AppSummary,
  type AppSummaryList,
} from '@k8s-console/contracts';
import { ApiError } from '../errors/api-error.js';
import { KubeApiError } from '../kube/kube-access.js';
import type { ActionContext } from '../kube/actions/action-context.js';
import { applyManifests } from '../kube/actions/apply-manifests.js';
import { pathSegment } from '../kube/request-info.js';
import { APP_KINDS, NAMESPACE_KIND, apiVersionOf, getObject, kindInfo, listAppObjects, objectPath, refOf, type KindInfo, type LiveObject } from './app-objects.js';

type UpdatePlan = { manifests: Manifest[]; live: LiveObject[]; stale: LiveObject[] };
type Manifest = Record<string, unknown> & { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown } };

/** A refusal with a body richer than `{error}`: field errors, or the per-object outcome. */
export class AppDeployError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: { field?: string; errors?: AppFieldError[]; result?: AppDeployResult } = {},
  ) {
    super(message);
  }

  toBody() {
    const { field, ...rest } = this.extra;
    return { error: { code: this.code, message: this.message, ...(field ? { field } : {}) }, ...rest };
  }
}

function validationError(errors: AppFieldError[]): AppDeployError {
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return new AppDeployError(400, 'VALIDATION_FAILED', `${first.field}: ${first.message}${more}`, { field: first.field, errors });
}

/** The objects to apply: generated from the spec, or the user's edited YAML checked against it. */
export function desiredManifests(spec: AppDeploySpec, yaml: string | undefined): Manifest[] {
  const specErrors = validateAppDeploySpec(spec);
  if (specErrors.length) throw validationError(specErrors);
  if (yaml === undefined) return generateAppManifests(spec) as Manifest[];

  const manifests: Manifest[] = [];
  for (const doc of parseAllDocuments(yaml)) {
    if (doc.errors.length) throw new AppDeployError(400, 'INVALID_YAML', doc.errors[0]!.message, { field: 'yaml' });
    const object = doc.toJS() as Manifest | null;
    if (object === null || object === undefined) continue;
    if (typeof object !== 'object' || Array.isArray(object) || typeof object.metadata !== 'object' || !object.metadata) {
      throw new AppDeployError(400, 'INVALID_YAML', 'each document must be a Kubernetes object with metadata', { field: 'yaml' });
    }
    const k = kindInfo(object.kind);
    if (!k || object.apiVersion !== apiVersionOf(k)) {
      throw new AppDeployError(400, 'INVALID_YAML', `an application holds only ${APP_KINDS.map((x) => `${apiVersionOf(x)} ${x.kind}`).join(', ')}; found ${String(object.apiVersion)} ${String(object.kind)}`, { field: 'yaml' });
    }
    if (manifests.some((m) => m.kind === object.kind)) throw new AppDeployError(400, 'INVALID_YAML', `two ${object.kind} documents: an application has one of each`, { field: 'yaml' });
    if (object.metadata.name !== spec.name) throw new AppDeployError(400, 'INVALID_YAML', `the ${object.kind} must be named "${spec.name}" like the application`, { field: 'yaml' });
    if (object.metadata.namespace !== undefined && object.metadata.namespace !== spec.namespace) {
      throw new AppDeployError(400, 'INVALID_YAML', `the ${object.kind} must be in namespace "${spec.namespace}"`, { field: 'yaml' });
    }
    object.metadata.namespace = spec.namespace;
    // The label is how the console finds the objects again: it is always set.
    object.metadata.labels = { ...(object.metadata.labels ?? {}), [APP_NAME_LABEL]: spec.name, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
    manifests.push(object);
  }
  if (!manifests.some((m) => m.kind === 'Deployment')) throw new AppDeployError(400, 'INVALID_YAML', 'the YAML has no Deployment', { field: 'yaml' });
  // The edited objects must still be valid by the form's rules (ports, names, quantities...).
  const edited = { ...parseAppManifests(manifests), namespace: spec.namespace };
  const errors = validateAppDeploySpec(edited);
  if (errors.length) throw validationError(errors.map((e) => ({ ...e, message: `in the YAML: ${e.message}` })));
  manifests.sort((a, b) => APP_KINDS.findIndex((k) => k.kind === a.kind) - APP_KINDS.findIndex((k) => k.kind === b.kind));
  return manifests;
}

/** A refusal of the request's content as the field errors a preview answers with; undefined for any other error. */
function fieldErrorsOf(err: unknown): AppFieldError[] | undefined {
  if (!(err instanceof AppDeployError) || err.statusCode >= 500 || err.extra.result) return undefined;
  return err.extra.errors ?? [{ field: err.extra.field ?? 'yaml', message: err.message }];
}

function kindOf(m: Manifest): KindInfo {
  return kindInfo(m.kind)!;
}

function refOfManifest(m: Manifest): AppObjectRef {
  return refOf(kindOf(m), m.metadata.namespace!, m.metadata.name);
}

function describe(ref: AppObjectRef): string {
  return `${ref.kind} "${ref.name}"`;
}

/** Applies one object through the apply action; its result as the app's object result. */
async function applyOne(ctx: ActionContext, m: Manifest, dryRun: boolean, force: boolean): Promise<AppObjectResult> {
  const result = await applyManifests(ctx, { yaml: stringify(m), dryRun, namespace: m.metadata.namespace!, force });
  const doc = result.documents[0];
  const ref = refOfManifest(m);
  if (!doc) return { ...ref, action: 'failed', error: { code: 'APPLY_FAILED', message: 'the apply returned nothing' } };
  const out: AppObjectResult = { ...ref, action: doc.action };
  if (doc.diff) out.diff = doc.diff;
  if (doc.error) out.error = doc.error;
  return out;
}

async function deleteOne(ctx: ActionContext, k: KindInfo, namespace: string | undefined, name: string): Promise<void> {
  try {
    await ctx.json(objectPath(k, namespace, name), { method: 'DELETE', body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
  } catch (err) {
    if (!(err instanceof KubeApiError && err.statusCode === 404)) throw err;
  }
}

const errorOf = (err: unknown): { code: string; message: string } => {
  if (err instanceof KubeApiError) return { code: err.reason ?? `HTTP_${err.statusCode}`, message: err.message };
  const e = err as { code?: unknown; message?: string };
  return { code: typeof e.code === 'string' ? e.code : 'FAILED', message: e.message ?? String(err) };
};

export class AppDeployService {
  constructor(private readonly ctx: ActionContext) {}

  private async authorizeAll(manifests: Manifest[], verbs: string[]): Promise<void> {
    for (const m of manifests) {
      const k = kindOf(m);
      for (const verb of verbs) {
        await this.ctx.authorize({ verb, apiGroup: k.group, apiVersion: k.version, resource: k.resource, namespace: m.metadata.namespace!, name: m.metadata.name });
      }
    }
  }

  private async namespaceExists(namespace: string): Promise<boolean> {
    // As the apiserver (and the console's proxy) attribute GET /api/v1/namespaces/<ns>: in that
    // namespace, so a user confined to it may ask.
    await this.ctx.authorize({ verb: 'get', apiGroup: '', apiVersion: 'v1', resource: 'namespaces', namespace, name: namespace });
    return (await getObject(this.ctx, NAMESPACE_KIND, undefined, namespace)) !== undefined;
  }

  /** Server dry run of every object; results per object, in apply order. */
  private async dryRun(manifests: Manifest[], force: boolean): Promise<AppObjectResult[]> {
    const results: AppObjectResult[] = [];
    for (const m of manifests) results.push(await applyOne(this.ctx, m, true, force));
    return results;
  }

  /** Field errors, the generated objects, and (when the namespace exists) the server's dry run. */
  async preview(req: AppDeployRequest): Promise<{ errors: AppFieldError[]; manifests: Manifest[]; objects: AppObjectResult[]; namespaceExists: boolean }> {
    let manifests: Manifest[];
    try {
      manifests = desiredManifests(req.spec, req.yaml);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (errors) return { errors, manifests: [], objects: [], namespaceExists: false };
      throw err;
    }
    const namespaceExists = await this.namespaceExists(req.spec.namespace);
    if (!namespaceExists) {
      // Without the namespace the apiserver cannot dry-run objects in it (they would all be new),
      // and the dry run's own permission checks do not run: asked here as the create asks them.
      await this.authorizeAll(manifests, ['get', 'create', 'patch']);
      if (req.spec.createNamespace) await this.ctx.authorize({ verb: 'create', apiGroup: '', apiVersion: 'v1', resource: 'namespaces', name: req.spec.namespace });
    }
    const objects = namespaceExists ? await this.dryRun(manifests, false) : manifests.map((m) => ({ ...refOfManifest(m), action: 'created' as const }));
    // The dry run found it: the create will refuse it (a new application never takes over objects).
    const taken = objects.filter((o) => o.action === 'configured' || o.action === 'unchanged');
    const errors = taken.map((o) => ({ field: 'name', message: `${describe(o)} already exists in namespace "${req.spec.namespace}": choose another name, or edit that application` }));
    return { errors, manifests, objects, namespaceExists };
  }

  async create(req: AppDeployRequest): Promise<AppDeployResult> {
    const { spec } = req;
    const manifests = desiredManifests(spec, req.yaml);
    await this.authorizeAll(manifests, ['get', 'create', 'patch']);
    const result: AppDeployResult = { ok: false, dryRun: req.dryRun ?? false, name: spec.name, namespace: spec.namespace, objects: [] };

    // A new application never takes over objects that exist already.
    for (const m of manifests) {
      if (await getObject(this.ctx, kindOf(m), spec.namespace, spec.name)) {
        throw new AppDeployError(409, 'ALREADY_EXISTS', `${describe(refOfManifest(m))} already exists in namespace "${spec.namespace}": choose another name, or edit that application`, { field: 'name' });
      }
    }

    let createdNamespace = false;
    if (!(await this.namespaceExists(spec.namespace))) {
      if (!spec.createNamespace) throw new AppDeployError(404, 'NAMESPACE_NOT_FOUND', `namespace "${spec.namespace}" does not exist: choose another, or ask to create it`, { field: 'namespace' });
      // Before the dry run's answer too: a dry run that passes must not be refused for real.
      await this.ctx.authorize({ verb: 'create', apiGroup: '', apiVersion: 'v1', resource: 'namespaces', name: spec.namespace });
      if (req.dryRun) {
        result.ok = true;
        result.objects = [{ ...refOf(NAMESPACE_KIND, '', spec.namespace), action: 'created' }, ...manifests.map((m) => ({ ...refOfManifest(m), action: 'created' as const }))];
        return result;
      }
      await this.ctx.json(objectPath(NAMESPACE_KIND, undefined), {
        method: 'POST',
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: spec.namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } } },
      });
      createdNamespace = true;
      result.objects.push({ ...refOf(NAMESPACE_KIND, '', spec.namespace), action: 'created' });
    }

    const rollbackNamespace = async (): Promise<AppObjectRef[]> => {
      if (!createdNamespace) return [];
      try {
        await deleteOne(this.ctx, NAMESPACE_KIND, undefined, spec.namespace);
        result.objects[0]!.action = 'rolled-back';
        return [];
      } catch {
        return [refOf(NAMESPACE_KIND, '', spec.namespace)];
      }
    };

    const dry = await this.dryRun(manifests, false);
    const refused = dry.filter((o) => o.action === 'failed');
    if (refused.length || req.dryRun) {
      result.objects.push(...dry);
      result.dryRun = true;
      if (!refused.length) return { ...result, ok: true };
      const remaining = await rollbackNamespace();
      result.failure = { message: `the dry run refused ${refused.map((o) => `${describe(o)}: ${o.error?.message}`).join('; ')}; nothing was created`, remaining };
      throw new AppDeployError(422, 'DRY_RUN_FAILED', result.failure.message, { result });
    }

    const created: Manifest[] = [];
    for (const [index, m] of manifests.entries()) {
      const ref = refOfManifest(m);
      let outcome: AppObjectResult;
      // Checked again just before: someone may have made it since the dry run.
      if (await getObject(this.ctx, kindOf(m), spec.namespace, spec.name)) {
        outcome = { ...ref, action: 'failed', error: { code: 'AlreadyExists', message: `${describe(ref)} was created by someone else while this application was being created` } };
      } else {
        try {
          outcome = await applyOne(this.ctx, m, false, false);
        } catch (err) {
          outcome = { ...ref, action: 'failed', error: errorOf(err) };
        }
        // Server-side apply creates or patches: one found by the apply was made by someone else
        // after the check above. It is not this request's to roll back (that would delete another
        // client's object, with no delete permission asked).
        if (outcome.action === 'configured' || outcome.action === 'unchanged') {
          outcome = { ...ref, action: 'failed', error: { code: 'AlreadyExists', message: `${describe(ref)} was created by someone else while this application was being created (it was applied over, and is left in place)` } };
        }
      }
      result.objects.push(outcome);
      if (outcome.action !== 'failed') {
        created.push(m);
        continue;
      }
      // Undo in reverse order what this request made; whatever cannot be removed is reported.
      const remaining: AppObjectRef[] = [];
      for (const c of [...created].reverse()) {
        const r = result.objects.find((o) => o.kind === c.kind)!;
        try {
          await deleteOne(this.ctx, kindOf(c), spec.namespace, spec.name);
          r.action = 'rolled-back';
        } catch (err) {
          remaining.push(refOfManifest(c));
          r.error = errorOf(err);
        }
      }
      for (const skipped of manifests.slice(index + 1)) result.objects.push({ ...refOfManifest(skipped), action: 'skipped' });
      remaining.unshift(...(remaining.length ? [] : await rollbackNamespace()));
      const left = remaining.length ? `still in the cluster: ${remaining.map(describe).join(', ')}` : 'everything this request created was removed';
      result.failure = { message: `${describe(ref)} failed: ${outcome.error?.message}; ${left}`, remaining };
      const conflict = ['Conflict', 'AlreadyExists'].includes(outcome.error?.code ?? '');
      throw new AppDeployError(conflict ? 409 : 422, 'APPLY_FAILED', result.failure.message, { result });
    }
    return { ...result, ok: true };
  }

  /**
   * What an edit will do, checked: the objects to apply, the application's live objects and those
   * the edit deletes; every permission it needs asked, and no object it adds taken over.
   */
  private async planUpdate(namespace: string, name: string, req: AppDeployRequest): Promise<UpdatePlan> {
    const { spec } = req;
    if (spec.name !== name) throw new AppDeployError(400, 'VALIDATION_FAILED', `the name cannot change (the application is "${name}")`, { field: 'name' });
    if (spec.namespace !== namespace) throw new AppDeployError(400, 'VALIDATION_FAILED', `the namespace cannot change (the application is in "${namespace}")`, { field: 'namespace' });
    const manifests = desiredManifests(spec, req.yaml);
    const live = await this.find(namespace, name);
    if (!live.some((o) => o.kind === 'Deployment')) throw new ApiError(404, 'NOT_FOUND', `application "${name}" does not exist in namespace "${namespace}"`);
    const stale = live.filter((o) => !manifests.some((m) => m.kind === o.kind));
    await this.authorizeAll(manifests, ['get', 'patch']);
    const added = manifests.filter((m) => !live.some((o) => o.kind === m.kind && o.metadata.name === m.metadata.name));
    await this.authorizeAll(added, ['create']);
    for (const o of stale) {
      const k = kindInfo(o.kind!)!;
      await this.ctx.authorize({ verb: 'delete', apiGroup: k.group, apiVersion: k.version, resource: k.resource, namespace, name: o.metadata.name });
    }
    // An object the edit turns on (an Ingress, an HPA) is new: it never takes over one of that name
    // that is not the application's (the forced apply would make it the form's).
    for (const m of added) {
      if (await getObject(this.ctx, kindOf(m), namespace, name)) {
        throw new AppDeployError(409, 'ALREADY_EXISTS', `${describe(refOfManifest(m))} already exists in namespace "${namespace}" and is not part of this application`, { field: 'name' });
      }
    }
    return { manifests, live, stale };
  }

  /** The preview of an edit: the dry run the edit itself makes (forced), and the objects it deletes. */
  async previewUpdate(namespace: string, name: string, req: AppDeployRequest): Promise<{ errors: AppFieldError[]; manifests: Manifest[]; objects: AppObjectResult[]; namespaceExists: boolean }> {
    let plan: UpdatePlan;
    try {
      plan = await this.planUpdate(namespace, name, req);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (errors) return { errors, manifests: [], objects: [], namespaceExists: true };
      throw err;
    }
    const dry = await this.dryRun(plan.manifests, true);
    const deleted = plan.stale.map((o) => ({ ...refOf(kindInfo(o.kind!)!, namespace, o.metadata.name), action: 'deleted' as const }));
    return { errors: [], manifests: plan.manifests, objects: [...dry, ...deleted], namespaceExists: true };
  }

  /** Re-applies the application and deletes the objects the spec turned off. */
  async update(namespace: string, name: string, req: AppDeployRequest): Promise<AppDeployResult> {
    const { manifests, live, stale } = await this.planUpdate(namespace, name, req);

    // The form is the authority over the fields it sets (force), e.g. replicas after the HPA is turned off.
    const result: AppDeployResult = { ok: false, dryRun: req.dryRun ?? false, name, namespace, objects: [] };
    const dry = await this.dryRun(manifests, true);
    const refused = dry.filter((o) => o.action === 'failed');
    if (refused.length || req.dryRun) {
      result.dryRun = true;
      result.objects = [...dry, ...stale.map((o) => ({ ...refOf(kindInfo(o.kind!)!, namespace, o.metadata.name), action: 'deleted' as const }))];
      if (!refused.length) return { ...result, ok: true };
      result.failure = { message: `the dry run refused ${refused.map((o) => `${describe(o)}: ${o.error?.message}`).join('; ')}; nothing was changed`, remaining: live.map((o) => refOf(kindInfo(o.kind!)!, namespace, o.metadata.name)) };
      throw new AppDeployError(422, 'DRY_RUN_FAILED', result.failure.message, { result });
    }
    for (const m of manifests) {
      let outcome: AppObjectResult;
      try {
        outcome = await applyOne(this.ctx, m, false, true);
      } catch (err) {
        outcome = { ...refOfManifest(m), action: 'failed', error: errorOf(err) };
      }
      result.objects.push(outcome);
    }
    for (const o of stale) result.objects.push(await this.deleteLive(o, namespace));
    const failed = result.objects.filter((o) => o.action === 'failed');
    if (failed.length) {
      const now = await this.find(namespace, name);
      result.failure = { message: `${failed.map((o) => `${describe(o)}: ${o.error?.message}`).join('; ')}`, remaining: now.map((o) => refOf(kindInfo(o.kind!)!, namespace, o.metadata.name)) };
      throw new AppDeployError(422, 'APPLY_FAILED', `the update failed part-way: ${result.failure.message}; the other objects were updated`, { result });
    }
    return { ...result, ok: true };
  }

  /** Deletes one live object of the application; a failure is its outcome, not thrown. */
  private async deleteLive(o: LiveObject, namespace: string): Promise<AppObjectResult> {
    const k = kindInfo(o.kind!)!;
    const ref = refOf(k, namespace, o.metadata.name);
    try {
      await deleteOne(this.ctx, k, namespace, o.metadata.name);
      return { ...ref, action: 'deleted' };
    } catch (err) {
      return { ...ref, action: 'failed', error: errorOf(err) };
    }
  }

  async remove(namespace: string, name: string): Promise<AppDeployResult> {
    const live = await this.find(namespace, name);
    if (!live.length) throw new ApiError(404, 'NOT_FOUND', `application "${name}" does not exist in namespace "${namespace}"`);
    for (const o of live) {
      const k = kindInfo(o.kind!)!;
      await this.ctx.authorize({ verb: 'delete', apiGroup: k.group, apiVersion: k.version, resource: k.resource, namespace, name: o.metadata.name });
    }
    const result: AppDeployResult = { ok: true, dryRun: false, name, namespace, objects: [] };
    for (const o of [...live].reverse()) {
      const outcome = await this.deleteLive(o, namespace);
      if (outcome.action === 'failed') result.ok = false;
      result.objects.push(outcome);
    }
    if (!result.ok) {
      const failed = result.objects.filter((o) => o.action === 'failed');
      result.failure = { message: failed.map((o) => `${describe(o)}: ${o.error?.message}`).join('; '), remaining: failed.map(({ kind, apiVersion, namespace: ns, name: n }) => ({ kind, apiVersion, namespace: ns, name: n })) };
      throw new AppDeployError(422, 'DELETE_FAILED', `not everything could be deleted: ${result.failure.message}`, { result });
    }
    return result;
  }

  /**
   * The ConfigMaps and Secrets of a namespace as the form offers them: names, types and key names.
   * Values stay on the server, so the browser never holds every Secret of the namespace.
   */
  async refs(namespace: string): Promise<AppRefs> {
    const read = async (resource: 'configmaps' | 'secrets'): Promise<AppRef[]> => {
      try {
        await this.ctx.authorize({ verb: 'list', apiGroup: '', apiVersion: 'v1', resource, namespace });
        const list = await this.ctx.json<{ items?: { metadata: { name: string }; type?: string; data?: object; binaryData?: object }[] }>(
          `/api/v1/namespaces/${pathSegment(namespace)}/${resource}`,
        );
        return (list.items ?? []).map((o) => ({
          name: o.metadata.name,
          keys: [...Object.keys(o.data ?? {}), ...Object.keys(o.binaryData ?? {})].sort(),
          ...(o.type ? { type: o.type } : {}),
        }));
      } catch (err) {
        // no right to list them, or no such namespace yet: the user types the name
        if ((err instanceof ApiError || err instanceof KubeApiError) && (err.statusCode === 403 || err.statusCode === 404)) return [];
        throw err;
      }
    };
    const [configMaps, secrets] = await Promise.all([read('configmaps'), read('secrets')]);
    return { configMaps, secrets };
  }

  /** The application's live objects, in apply order. */
  async find(namespace: string, name: string): Promise<LiveObject[]> {
    const found: LiveObject[] = [];
    for (const k of APP_KINDS) found.push(...(await listAppObjects(this.ctx, k, namespace, name)));
    return found;
  }

  async get(namespace: string, name: string): Promise<{ spec: AppDeploySpec; objects: AppObjectRef[] }> {
    const live = await this.find(namespace, name);
    if (!live.some((o) => o.kind === 'Deployment')) throw new ApiError(404, 'NOT_FOUND', `application "${name}" does not exist in namespace "${namespace}"`);
    return { spec: parseAppManifests(live), objects: live.map((o) => refOf(kindInfo(o.kind!)!, namespace, o.metadata.name)) };
  }

  /**
   * The applications (one per Deployment of the console's). The other kinds only fill in each
   * app's `kinds`: one the user may not list is named in `unlistedKinds` instead of refusing the list.
   */
  async list(namespace: string | undefined): Promise<AppSummaryList> {
    const unlistedKinds: AppSummary['kinds'] = [];
    const byKind = await Promise.all(
      APP_KINDS.map((k, i) =>
        listAppObjects(this.ctx, k, namespace).catch((err: unknown) => {
          // refused by the console's RBAC (ApiError) or, impersonating, by the cluster's (KubeApiError)
          if (i === 0 || !(err instanceof ApiError || err instanceof KubeApiError) || err.statusCode !== 403) throw err;
          unlistedKinds.push(k.kind as AppSummary['kinds'][number]);
          return [];
        }),
      ),
    );
    const apps = new Map<string, AppSummary>();
    for (const d of byKind[0]!) {
      const name = d.metadata.labels?.[APP_NAME_LABEL] ?? d.metadata.name;
      const spec = d.spec as { replicas?: number; template?: { spec?: { containers?: { image?: string }[] } } } | undefined;
      const summary: AppSummary = { name, namespace: d.metadata.namespace ?? '', kinds: ['Deployment'] };
      const image = spec?.template?.spec?.containers?.[0]?.image;
      if (image) summary.image = image;
      if (typeof spec?.replicas === 'number') summary.replicas = spec.replicas;
      const ready = (d.status as { readyReplicas?: number } | undefined)?.readyReplicas;
      summary.readyReplicas = ready ?? 0;
      if (d.metadata.creationTimestamp) summary.creationTimestamp = d.metadata.creationTimestamp;
      apps.set(`${summary.namespace}/${name}`, summary);
    }
    for (const list of byKind.slice(1)) {
      for (const o of list) apps.get(`${o.metadata.namespace}/${o.metadata.labels?.[APP_NAME_LABEL]}`)?.kinds.push(o.kind as AppSummary['kinds'][number]);
    }
    const items = [...apps.values()].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
    return unlistedKinds.length ? { items, unlistedKinds } : { items };
  }
}
