// The one source of truth of a kube-sim: every object of every resource, one resourceVersion
// counter, watch event logs for resuming watches, owner references for cascading deletes.
// Objects handed out are frozen and shared (never deep-copied per read), so lists stay fast.
import { randomBytes, randomUUID } from 'node:crypto';
import { alreadyExists, badRequest, conflict, gone, invalid, notFound, StatusError, unsupportedMediaType } from '../errors/status-error.js';
import { applyJsonPatch } from '../patch/json-patch.js';
import { changedFields, fieldSet, recordOwnership } from '../patch/managed-fields.js';
import { applyMergePatch } from '../patch/merge-patch.js';
import { serverSideApply } from '../patch/server-side-apply.js';
import { applyStrategicMergePatch } from '../patch/strategic-merge-patch.js';
import { apiVersionOf, hasSubresource, storageKey, type ResourceDef } from '../resources/resource-def.js';
import { ResourceRegistry, type ResourceRef } from '../resources/resource-registry.js';
import { crdStatus, resourceDefFromCrd } from './crd-resource.js';
import { cloneJson, deepEqual, deepFreeze } from './json-values.js';
import type { K8sObject } from './k8s-object.js';
import { applyDefaults, defaultJobSelector, keepAllocations, ServiceAllocator } from './object-defaults.js';
import { validateObject, validatePodUpdate, validateUpdate } from './object-validation.js';
import { combineMatchers, parseFieldSelector, parseLabelSelector, type ObjectMatcher } from './selectors.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  object: K8sObject;
  /** the previous version, for MODIFIED and DELETED */
  oldObject?: K8sObject;
  resource: ResourceDef;
  resourceVersion: number;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** records field ownership in metadata.managedFields under this manager */
  fieldManager?: string;
  /** 'status' writes only .status; otherwise a resource with a status subresource keeps its status when preserveStatus is set */
  subresource?: string;
  /** set by the HTTP layer: a client's write of the main resource does not change .status */
  preserveStatus?: boolean;
}

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  /** remove the object even if it has finalizers (a namespace's or CRD's contents going with it) */
  ignoreFinalizers?: boolean;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** extra predicate, for callers that already hold parsed selectors */
  matcher?: ObjectMatcher;
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: K8sObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WatchOptions {
  namespace?: string;
  /** '' or '0' or undefined: start with ADDED for every current object; otherwise replay events after it */
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  matcher?: ObjectMatcher;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface PatchOptions extends WriteOptions {
  /** server-side apply: take over fields other managers own */
  force?: boolean;
}

interface Entry {
  key: string;
  obj: K8sObject;
}

interface Watcher {
  matches: ObjectMatcher;
  cb: (event: StoreEvent) => void;
}

class ResourceTable {
  readonly entries = new Map<string, Entry>();
  /** entries sorted by key, for paging; appends in key order stay sorted, others sort lazily */
  private order: Entry[] = [];
  private unsorted = false;
  log: StoreEvent[] = [];
  compactedRv = 0;
  readonly watchers = new Set<Watcher>();

  constructor(public def: ResourceDef) {}

  get sorted(): Entry[] {
    if (this.unsorted) {
      // TimSort: nearly sorted input (the usual case) sorts in close to linear time
      this.order.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      this.unsorted = false;
    }
    return this.order;
  }

  lowerBound(key: string): number {
    const sorted = this.sorted;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid]?.key ?? '') < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(entry: Entry): void {
    this.entries.set(entry.key, entry);
    const last = this.order[this.order.length - 1];
    if (last && last.key > entry.key) this.unsorted = true;
    this.order.push(entry);
  }

  remove(key: string): void {
    this.entries.delete(key);
    const i = this.lowerBound(key);
    if (this.order[i]?.key === key) this.order.splice(i, 1);
  }
}

const objectKey = (namespace: string | undefined, name: string): string => (namespace ? `${namespace}/${name}` : name);
const nowIso = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const generateSuffix = (): string => {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
};

/** The finalizer of an owner whose dependents are being deleted first (propagationPolicy Foreground). */
const FOREGROUND = 'foregroundDeletion';

/** Namespaces the apiserver refuses to delete. */
const protectedNamespaces = new Set(['default', 'kube-system', 'kube-public']);

/** Kinds whose metadata.generation a real apiserver maintains. */
const tracksGeneration = (def: ResourceDef): boolean => def.group !== '' || def.custom !== undefined;

const specOf = (obj: K8sObject): K8sObject => {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
};

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { start?: unknown; rv?: unknown };
    // rv 0 is never handed out; -1 means "continue at the latest revision"
    if (typeof parsed.start === 'string' && typeof parsed.rv === 'number' && Number.isInteger(parsed.rv) && parsed.rv !== 0 && parsed.rv >= -1) {
      return { rv: parsed.rv, start: parsed.start };
    }
  } catch {
    // fall through
  }
  throw badRequest(`invalid continue token: continue key is not valid: ${token.slice(0, 40)}`);
}

const continueExpired =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export interface ObjectStoreOptions {
  /** events kept per resource for resuming watches; a watch from an older resourceVersion gets 410 Gone */
  watchWindow?: number;
}

export class ObjectStore {
  readonly registry: ResourceRegistry;
  private rv = 1;
  private readonly tables = new Map<string, ResourceTable>();
  private readonly ownerIndex = new Map<string, Set<string>>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  private readonly queue: StoreEvent[] = [];
  private draining = false;
  private readonly allocator = new ServiceAllocator();
  private readonly watchWindow: number;
  /** the propagation policy of each object waiting for its finalizers (storage key + object key) */
  private readonly pendingDeletes = new Map<string, NonNullable<DeleteOptions['propagationPolicy']>>();

  constructor(opts: ObjectStoreOptions = {}, registry = new ResourceRegistry()) {
    this.registry = registry;
    this.watchWindow = Math.max(1, opts.watchWindow ?? 10000);
  }

  /** The current resourceVersion (of the last write). */
  get resourceVersion(): string {
    return String(this.rv);
  }

  resolve(ref: ResourceRef): ResourceDef {
    return this.registry.resolve(ref);
  }

  private table(def: ResourceDef): ResourceTable {
    const key = storageKey(def);
    let t = this.tables.get(key);
    if (!t) {
      t = new ResourceTable(def);
      this.tables.set(key, t);
    }
    t.def = def;
    return t;
  }

  get(ref: ResourceRef, namespace: string | undefined, name: string): K8sObject | undefined {
    const def = this.resolve(ref);
    return this.table(def).entries.get(objectKey(def.namespaced ? namespace : undefined, name))?.obj;
  }

  /** Like get, but throws the NotFound Status a client would see. */
  mustGet(ref: ResourceRef, namespace: string | undefined, name: string): K8sObject {
    const def = this.resolve(ref);
    const obj = this.get(def, namespace, name);
    if (!obj) throw notFound(def, name);
    return obj;
  }

  count(ref: ResourceRef, namespace?: string): number {
    const def = this.resolve(ref);
    const t = this.table(def);
    if (!namespace || !def.namespaced) return t.entries.size;
    return t.lowerBound(`${namespace}0`) - t.lowerBound(`${namespace}/`);
  }

  list(ref: ResourceRef, opts: ListOptions = {}): ListResult {
    const def = this.resolve(ref);
    const t = this.table(def);
    const sorted = t.sorted;
    const ns = def.namespaced && opts.namespace ? opts.namespace : undefined;
    // keys of one namespace are contiguous: `${ns}/` up to `${ns}0` ('0' sorts right after '/')
    let from = ns ? t.lowerBound(`${ns}/`) : 0;
    const to = ns ? t.lowerBound(`${ns}0`) : sorted.length;
    // later pages report the first page's resourceVersion, as the apiserver's snapshot does: a
    // watch started from it replays anything that changed while the pages were fetched
    let listRv = this.rv;
    if (opts.continue) {
      const token = decodeContinue(opts.continue);
      from = Math.max(from, t.lowerBound(token.start));
      // the snapshot a token reads from is gone once its revision is compacted (here: once the
      // resource's watch window has moved past it): 410, with a token that continues at the latest
      // revision (rv -1), as etcd3's store answers
      if (token.rv > 0 && token.rv < t.compactedRv) {
        throw new StatusError(410, 'Expired', continueExpired, undefined, { continue: encodeContinue(-1, token.start) });
      }
      listRv = token.rv > 0 ? Math.min(token.rv, this.rv) : this.rv;
    }
    const matcher = combineMatchers(parseLabelSelector(opts.labelSelector), parseFieldSelector(opts.fieldSelector, def), opts.matcher);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const items: K8sObject[] = [];
    let i = from;
    for (; i < to && items.length < limit; i++) {
      const obj = (sorted[i] as Entry).obj;
      if (!matcher || matcher(obj)) items.push(obj);
    }
    const result: ListResult = { items, resourceVersion: String(listRv) };
    if (items.length >= limit && i < to) {
      let more = !matcher;
      for (let j = i; !more && j < to; j++) more = matcher!((sorted[j] as Entry).obj);
      if (more) {
        const last = items[items.length - 1]?.metadata;
        result.continue = encodeContinue(listRv, `${objectKey(ns ?? last?.namespace, last?.name ?? '')}\u0000`);
        if (!matcher) result.remainingItemCount = to - i;
      }
    }
    return result;
  }

  create(ref: ResourceRef, input: K8sObject, opts: WriteOptions = {}): K8sObject {
    const def = this.resolve(ref);
    const obj = cloneJson(input);
    obj.apiVersion = apiVersionOf(def.group, def.version);
    obj.kind = def.kind;
    const meta = (obj.metadata ??= {});
    if (def.namespaced) {
      meta.namespace ||= 'default';
      const namespace = this.get('namespaces', undefined, meta.namespace);
      if (!namespace) throw notFound({ group: '', resource: 'namespaces' }, meta.namespace);
      if (namespace.metadata?.deletionTimestamp) {
        const qualified = def.group ? `${def.resource}.${def.group}` : def.resource;
        throw new StatusError(403, 'Forbidden', `${qualified} "${meta.name ?? meta.generateName ?? ''}" is forbidden: unable to create new content in namespace ${meta.namespace} because it is being terminated`, {
          name: meta.name, group: def.group || undefined, kind: def.resource,
          causes: [{ reason: 'NamespaceTerminating', message: `namespace ${meta.namespace} is being terminated`, field: 'metadata.namespace' }],
        });
      }
    } else delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${generateSuffix()}`;
    for (const k of ['uid', 'resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) delete meta[k];
    applyDefaults(def, obj, this.allocator);
    validateObject(def, obj);
    const t = this.table(def);
    const key = objectKey(meta.namespace, meta.name ?? '');
    if (t.entries.has(key)) throw alreadyExists(def, meta.name ?? '');
    meta.uid = randomUUID();
    meta.creationTimestamp = nowIso();
    if (tracksGeneration(def)) meta.generation = 1;
    defaultJobSelector(def, obj);
    if (def.resource === 'customresourcedefinitions' && def.group === 'apiextensions.k8s.io') obj.status = crdStatus(obj, meta.creationTimestamp);
    if (opts.fieldManager) recordOwnership(obj, opts.fieldManager, 'Update', fieldSet(obj, def.kind), new Set(), obj.apiVersion);
    if (opts.dryRun) {
      meta.resourceVersion = '';
      return deepFreeze(obj);
    }
    meta.resourceVersion = String(++this.rv);
    deepFreeze(obj);
    t.insert({ key, obj });
    this.indexOwners(def, key, undefined, obj);
    this.emit({ type: 'ADDED', object: obj, resource: def, resourceVersion: this.rv });
    if (def.resource === 'customresourcedefinitions' && def.group === 'apiextensions.k8s.io') this.registry.add(resourceDefFromCrd(obj));
    return obj;
  }

  update(ref: ResourceRef, input: K8sObject, opts: WriteOptions = {}): K8sObject {
    const def = this.resolve(ref);
    const meta = input.metadata ?? {};
    const old = this.mustGet(def, meta.namespace, meta.name ?? '');
    if (meta.resourceVersion && meta.resourceVersion !== old.metadata?.resourceVersion) {
      throw conflict(def, meta.name ?? '', 'the object has been modified; please apply your changes to the latest version and try again');
    }
    if (meta.uid && meta.uid !== old.metadata?.uid) {
      throw conflict(def, meta.name ?? '', `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${old.metadata?.uid}`);
    }
    let obj: K8sObject;
    if (opts.subresource === 'status') {
      obj = { ...cloneJson(old), status: cloneJson(input.status) };
    } else {
      obj = cloneJson(input);
      if (opts.preserveStatus && hasSubresource(def, 'status')) {
        if (old.status === undefined) delete obj.status;
        else obj.status = cloneJson(old.status);
      }
    }
    obj.apiVersion = apiVersionOf(def.group, def.version);
    obj.kind = def.kind;
    const om = old.metadata ?? {};
    const m = (obj.metadata ??= {});
    m.name = om.name;
    if (def.namespaced) m.namespace = om.namespace;
    else delete m.namespace;
    m.uid = om.uid;
    m.creationTimestamp = om.creationTimestamp;
    if (om.deletionTimestamp) m.deletionTimestamp = om.deletionTimestamp;
    else delete m.deletionTimestamp;
    if (om.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
    else delete m.deletionGracePeriodSeconds;
    if (om.deletionTimestamp) {
      const added = (m.finalizers ?? []).filter((f) => !(om.finalizers ?? []).includes(f));
      if (added.length > 0) {
        throw invalid(def.kind, def.group, om.name ?? '', [{
          reason: 'FieldValueForbidden',
          message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
          field: 'metadata.finalizers',
        }]);
      }
    }
    if (m.managedFields === undefined && om.managedFields) m.managedFields = cloneJson(om.managedFields);
    if (opts.subresource !== 'status') {
      keepAllocations(def, old, obj);
      applyDefaults(def, obj, this.allocator);
    }
    validateObject(def, obj);
    // a client's write (not a kubelet's or scheduler's, which go through the store) of a pod
    if (opts.preserveStatus) {
      if (def.group === '' && def.resource === 'pods') validatePodUpdate(old, obj);
      validateUpdate(def, old, obj);
    }
    if (tracksGeneration(def)) {
      m.generation = (om.generation ?? 1) + (deepEqual(specOf(old), specOf(obj)) ? 0 : 1);
    }
    if (def.resource === 'customresourcedefinitions' && def.group === 'apiextensions.k8s.io' && opts.subresource !== 'status') {
      obj.status = { ...crdStatus(obj, om.creationTimestamp ?? nowIso()), ...(old.status as K8sObject) };
    }
    if (opts.fieldManager) {
      recordOwnership(obj, opts.fieldManager, 'Update', changedFields(old, obj, def.kind), changedFields(old, obj, def.kind), obj.apiVersion, opts.subresource);
    }
    m.resourceVersion = om.resourceVersion;
    if (deepEqual(stripVolatile(old), stripVolatile(obj))) return old;
    if (opts.dryRun) return deepFreeze(obj);
    const key = objectKey(m.namespace, m.name ?? '');
    // the last finalizer of an object being deleted is gone: the update deletes it
    if (om.deletionTimestamp && !m.finalizers?.length) {
      delete m.finalizers;
      return this.removeNow(def, key, old, obj, this.pendingDeletes.get(`${storageKey(def)}\u0000${key}`) ?? 'Background');
    }
    m.resourceVersion = String(++this.rv);
    deepFreeze(obj);
    const entry = this.table(def).entries.get(key) as Entry;
    entry.obj = obj;
    this.indexOwners(def, key, old, obj);
    this.emit({ type: 'MODIFIED', object: obj, oldObject: old, resource: def, resourceVersion: this.rv });
    if (def.resource === 'customresourcedefinitions' && def.group === 'apiextensions.k8s.io') this.registry.add(resourceDefFromCrd(obj));
    return obj;
  }

  /** Read-modify-write without a resourceVersion precondition: `fn` edits a private copy. */
  mutate(ref: ResourceRef, namespace: string | undefined, name: string, fn: (draft: K8sObject) => void, opts: WriteOptions = {}): K8sObject {
    const draft = cloneJson(this.mustGet(ref, namespace, name));
    fn(draft);
    if (draft.metadata) delete draft.metadata.resourceVersion;
    return this.update(ref, draft, opts);
  }

  /** Replaces .status only (what controllers and kubelets do). */
  updateStatus(ref: ResourceRef, namespace: string | undefined, name: string, status: unknown): K8sObject {
    const current = this.mustGet(ref, namespace, name);
    return this.update(ref, { ...current, metadata: { ...current.metadata, resourceVersion: undefined }, status }, { subresource: 'status' });
  }

  patch(ref: ResourceRef, namespace: string | undefined, name: string, type: PatchType, body: unknown, opts: PatchOptions = {}): K8sObject {
    const def = this.resolve(ref);
    const ns = def.namespaced ? namespace : undefined;
    const old = this.get(def, ns, name);
    if (!old) {
      if (type !== 'apply') throw notFound(def, name);
      const applied = cloneJson(body as K8sObject);
      applied.metadata = { ...applied.metadata, name, ...(ns ? { namespace: ns } : {}) };
      const manager = opts.fieldManager ?? 'unknown';
      const created = serverSideApply({ metadata: {} }, applied, {
        manager, force: true, kind: def.kind, apiVersion: apiVersionOf(def.group, def.version),
      });
      return this.create(def, created, { dryRun: opts.dryRun });
    }
    let patched: K8sObject;
    switch (type) {
      case 'json':
        patched = applyJsonPatch(old, body);
        break;
      case 'merge':
        patched = applyMergePatch(old, body) as K8sObject;
        break;
      case 'strategic':
        if (def.custom) throw unsupportedMediaType('application/strategic-merge-patch+json');
        patched = applyStrategicMergePatch(old, body, def.kind) as K8sObject;
        break;
      case 'apply': {
        const manager = opts.fieldManager;
        if (!manager) throw badRequest('PATCH with the apply content type requires fieldManager to be set');
        patched = serverSideApply(old, body as K8sObject, {
          manager, force: opts.force ?? false, kind: def.kind, apiVersion: apiVersionOf(def.group, def.version),
          ...(opts.subresource ? { subresource: opts.subresource } : {}),
        });
        break;
      }
      default:
        throw badRequest(`unknown patch type ${String(type)}`);
    }
    if (!patched || typeof patched !== 'object') throw badRequest('patch produced a non-object');
    const pm = (patched.metadata ??= {});
    if (pm.name !== undefined && pm.name !== name) throw badRequest(`the name of the object (${pm.name}) does not match the name on the URL (${name})`);
    pm.name = name;
    if (ns) pm.namespace = ns;
    if (pm.resourceVersion === undefined || pm.resourceVersion === '') pm.resourceVersion = old.metadata?.resourceVersion;
    const writeOpts: WriteOptions = { ...opts };
    if (type === 'apply') delete writeOpts.fieldManager;
    return this.update(def, patched, writeOpts);
  }

  delete(ref: ResourceRef, namespace: string | undefined, name: string, opts: DeleteOptions = {}): K8sObject {
    const def = this.resolve(ref);
    const ns = def.namespaced ? namespace : undefined;
    const old = this.mustGet(def, ns, name);
    if (def.group === '' && def.resource === 'namespaces' && protectedNamespaces.has(name)) {
      throw new StatusError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
    }
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== old.metadata?.uid) {
      throw conflict(def, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata?.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata?.resourceVersion) {
      throw conflict(def, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata?.resourceVersion}`);
    }
    const policy = opts.propagationPolicy ?? 'Background';
    const key = objectKey(ns, name);
    // Foreground: the owner stays (deletionTimestamp, finalizer foregroundDeletion) until the
    // garbage collector has deleted the dependents that block it, as a real cluster shows it
    const foreground = policy === 'Foreground' && !opts.ignoreFinalizers && this.dependents(old.metadata?.uid ?? '').length > 0;
    if ((old.metadata?.finalizers?.length || foreground) && !opts.ignoreFinalizers) {
      // finalizers hold the object: it is marked (deletionTimestamp) and goes when the last one is removed
      if (old.metadata?.deletionTimestamp) return old;
      const marked = cloneJson(old);
      const mm = marked.metadata!;
      mm.deletionTimestamp = nowIso();
      mm.deletionGracePeriodSeconds = 0;
      if (foreground) mm.finalizers = [...(mm.finalizers ?? []), FOREGROUND];
      if (tracksGeneration(def)) mm.generation = (mm.generation ?? 1) + 1;
      if (opts.dryRun) return deepFreeze(marked);
      this.pendingDeletes.set(`${storageKey(def)}\u0000${key}`, policy);
      mm.resourceVersion = String(++this.rv);
      deepFreeze(marked);
      (this.table(def).entries.get(key) as Entry).obj = marked;
      this.emit({ type: 'MODIFIED', object: marked, oldObject: old, resource: def, resourceVersion: this.rv });
      if (foreground) {
        for (const dep of this.dependents(mm.uid ?? '')) this.deleteIfPresent(dep.def, dep.obj, 'Foreground');
        this.finishForeground(def, marked);
      }
      return this.get(def, ns, name) ?? marked;
    }
    if (opts.dryRun) return old;
    if (def.group === '' && def.resource === 'namespaces' && !old.metadata?.deletionTimestamp) {
      // a namespace is Terminating (watchers see it) while its contents go, then it goes
      const terminating = cloneJson(old);
      terminating.metadata = { ...terminating.metadata, deletionTimestamp: nowIso(), resourceVersion: String(++this.rv) };
      terminating.status = { ...terminating.status, phase: 'Terminating' };
      deepFreeze(terminating);
      (this.table(def).entries.get(key) as Entry).obj = terminating;
      this.emit({ type: 'MODIFIED', object: terminating, oldObject: old, resource: def, resourceVersion: this.rv });
      return this.removeNow(def, key, terminating, terminating, policy);
    }
    return this.removeNow(def, key, old, old, policy);
  }

  /** Drops an owner's foregroundDeletion finalizer once no dependent blocks it (the garbage collector's job). */
  private finishForeground(def: ResourceDef, stale: K8sObject): void {
    const owner = this.get(def, stale.metadata?.namespace, stale.metadata?.name ?? '');
    const uid = owner?.metadata?.uid ?? '';
    if (!owner?.metadata?.deletionTimestamp || uid !== stale.metadata?.uid || !owner.metadata.finalizers?.includes(FOREGROUND)) return;
    const blocking = this.dependents(uid).some((d) => d.obj.metadata?.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion));
    if (blocking) return;
    this.mutate(def, owner.metadata.namespace, owner.metadata.name ?? '', (draft) => {
      draft.metadata!.finalizers = draft.metadata!.finalizers?.filter((f) => f !== FOREGROUND);
    });
  }

  /** Takes an object out of the store (DELETED carries `last`) and cascades to its dependents. */
  private removeNow(def: ResourceDef, key: string, old: K8sObject, last: K8sObject, policy: NonNullable<DeleteOptions['propagationPolicy']>): K8sObject {
    const name = old.metadata?.name ?? '';
    this.pendingDeletes.delete(`${storageKey(def)}\u0000${key}`);
    const uid = old.metadata?.uid ?? '';
    if (policy === 'Orphan') {
      for (const dep of this.dependents(uid)) {
        this.mutate(dep.def, dep.obj.metadata?.namespace, dep.obj.metadata?.name ?? '', (d) => {
          d.metadata!.ownerReferences = d.metadata!.ownerReferences?.filter((o) => o.uid !== uid);
          if (d.metadata!.ownerReferences?.length === 0) delete d.metadata!.ownerReferences;
        });
      }
    } else if (policy === 'Foreground') {
      for (const dep of this.dependents(uid)) this.deleteIfPresent(dep.def, dep.obj, 'Foreground');
    }
    const isNamespace = def.group === '' && def.resource === 'namespaces';
    if (isNamespace) this.emptyNamespace(name);
    const isCrd = def.group === 'apiextensions.k8s.io' && def.resource === 'customresourcedefinitions';
    if (isCrd) this.dropCustomResources(old);
    const t = this.table(def);
    t.remove(key);
    this.indexOwners(def, key, old, undefined);
    const deleted = deepFreeze({ ...last, metadata: { ...last.metadata, resourceVersion: String(++this.rv) } });
    this.emit({ type: 'DELETED', object: deleted, oldObject: old, resource: def, resourceVersion: this.rv });
    if (policy === 'Background') {
      for (const dep of this.dependents(uid)) this.deleteIfPresent(dep.def, dep.obj, 'Background');
    }
    // an owner deleting in the foreground may have been waiting for this one
    for (const ref of old.metadata?.ownerReferences ?? []) {
      const ownerDef = this.registry.byKind(ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] ?? '' : '', ref.kind);
      const owner = ownerDef && this.get(ownerDef, ownerDef.namespaced ? old.metadata?.namespace : undefined, ref.name);
      if (ownerDef && owner?.metadata?.uid === ref.uid) this.finishForeground(ownerDef, owner);
    }
    return deleted;
  }

  deleteCollection(ref: ResourceRef, listOpts: ListOptions, opts: DeleteOptions = {}): K8sObject[] {
    const def = this.resolve(ref);
    const { items } = this.list(def, { ...listOpts, limit: undefined, continue: undefined });
    return items.map((o) => (opts.dryRun ? o : this.deleteIfPresent(def, o, opts.propagationPolicy ?? 'Background'))).filter((o): o is K8sObject => !!o);
  }

  /**
   * Streams changes of one resource. Without a resourceVersion (or with '0') the watcher first
   * gets ADDED for every current object; with one it gets every change after it, or a 410 Gone
   * StatusError when that is older than the kept window. Objects that stop (start) matching the
   * selectors arrive as DELETED (ADDED), as from a real apiserver.
   */
  watch(ref: ResourceRef, opts: WatchOptions, cb: (event: StoreEvent) => void): { stop: () => void } {
    const def = this.resolve(ref);
    const t = this.table(def);
    const ns = def.namespaced ? opts.namespace : undefined;
    const selectors = combineMatchers(parseLabelSelector(opts.labelSelector), parseFieldSelector(opts.fieldSelector, def), opts.matcher);
    const matches: ObjectMatcher = (obj) => (!ns || obj.metadata?.namespace === ns) && (!selectors || selectors(obj));
    const watcher: Watcher = { matches, cb };
    const rv = opts.resourceVersion;
    if (!rv || rv === '0') {
      for (const e of t.sorted) if (matches(e.obj)) cb({ type: 'ADDED', object: e.obj, resource: def, resourceVersion: this.rv });
    } else {
      const from = Number(rv);
      if (!Number.isFinite(from)) throw badRequest(`invalid resource version: ${rv}`);
      if (from < t.compactedRv) throw gone(`too old resource version: ${from} (${t.compactedRv})`);
      for (const ev of t.log) if (ev.resourceVersion > from) deliver(watcher, ev);
    }
    t.watchers.add(watcher);
    return { stop: () => t.watchers.delete(watcher) };
  }

  /** Every committed change of every resource, in order (controllers and tests subscribe here). */
  onChange(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Number of open watchers, per resource key (for tests and diagnostics). */
  watcherCount(ref: ResourceRef): number {
    return this.table(this.resolve(ref)).watchers.size;
  }

  private emit(event: StoreEvent): void {
    const t = this.table(event.resource);
    t.log.push(event);
    if (t.log.length > this.watchWindow * 2) {
      const drop = t.log.length - this.watchWindow;
      t.compactedRv = t.log[drop - 1]?.resourceVersion ?? t.compactedRv;
      t.log = t.log.slice(drop);
    }
    // Deliveries are queued so that a listener that writes (a controller) cannot reorder events
    // for the listeners after it.
    this.queue.push(event);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let ev = this.queue.shift(); ev; ev = this.queue.shift()) {
        // a failing listener must not fail the write that is already committed, nor starve the others
        for (const w of [...this.table(ev.resource).watchers]) guarded(() => deliver(w, ev));
        for (const l of [...this.listeners]) guarded(() => l(ev));
      }
    } finally {
      this.draining = false;
    }
  }

  private dependents(uid: string): { def: ResourceDef; obj: K8sObject }[] {
    const out: { def: ResourceDef; obj: K8sObject }[] = [];
    for (const ref of this.ownerIndex.get(uid) ?? []) {
      const [skey, key] = ref.split('\u0000') as [string, string];
      const t = this.tables.get(skey);
      const obj = t?.entries.get(key)?.obj;
      if (t && obj) out.push({ def: t.def, obj });
    }
    return out;
  }

  private deleteIfPresent(def: ResourceDef, obj: K8sObject, policy: NonNullable<DeleteOptions['propagationPolicy']>, ignoreFinalizers = false): K8sObject | undefined {
    try {
      return this.delete(def, obj.metadata?.namespace, obj.metadata?.name ?? '', { propagationPolicy: policy, ignoreFinalizers });
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return undefined;
      throw err;
    }
  }

  private emptyNamespace(namespace: string): void {
    for (const t of [...this.tables.values()]) {
      if (!t.def.namespaced || !this.registry.tryResolve({ group: t.def.group, resource: t.def.resource })) continue;
      const from = t.lowerBound(`${namespace}/`);
      const to = t.lowerBound(`${namespace}0`);
      // deletes here are immediate, so nothing may stay behind in a namespace that is gone
      for (const e of t.sorted.slice(from, to)) this.deleteIfPresent(t.def, e.obj, 'Background', true);
    }
  }

  private dropCustomResources(crd: K8sObject): void {
    const def = this.registry.tryResolve({ group: crd.spec?.group, resource: crd.spec?.names?.plural });
    if (!def?.custom) return;
    const t = this.table(def);
    for (const e of [...t.sorted]) this.deleteIfPresent(def, e.obj, 'Background', true);
    this.registry.remove(def);
  }

  private indexOwners(def: ResourceDef, key: string, before: K8sObject | undefined, after: K8sObject | undefined): void {
    const ref = `${storageKey(def)}\u0000${key}`;
    for (const o of before?.metadata?.ownerReferences ?? []) this.ownerIndex.get(o.uid)?.delete(ref);
    for (const o of after?.metadata?.ownerReferences ?? []) {
      let set = this.ownerIndex.get(o.uid);
      if (!set) this.ownerIndex.set(o.uid, (set = new Set()));
      set.add(ref);
    }
  }
}

function guarded(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    console.error('kube-sim: a store listener failed', err);
  }
}

function deliver(w: Watcher, ev: StoreEvent): void {
  if (ev.type === 'MODIFIED' && ev.oldObject) {
    const was = w.matches(ev.oldObject);
    const is = w.matches(ev.object);
    if (was && is) w.cb(ev);
    else if (is) w.cb({ ...ev, type: 'ADDED' });
    else if (was) w.cb({ ...ev, type: 'DELETED' });
    return;
  }
  if (w.matches(ev.object)) w.cb(ev);
}

/** An object minus what changes on every write, to detect a no-op update. */
function stripVolatile(obj: K8sObject): K8sObject {
  const managedFields = obj.metadata?.managedFields?.map((m) => ({ ...m, time: '' }));
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: '', managedFields } };
}
