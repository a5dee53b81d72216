// POST /api/v1/clusters/:id/apply: multi-document YAML through server-side apply (field manager
// "k8s-console"). A dry run (the default) asks the apiserver what each object would become and
// returns a diff against the live object; the real apply does the same without dryRun. Each
// document succeeds or fails on its own.
import { parseAllDocuments, stringify } from 'yaml';
import type { ApplyDocumentResult, ApplyRequest, ApplyResult } from '@k8s-console/contracts';
import { KubeApiError } from '../kube-access.js';
import { UpstreamError } from '../upstream-request.js';
import { resourcePath, type ActionContext } from './action-context.js';
import { unifiedDiff } from './line-diff.js';

export const FIELD_MANAGER = 'k8s-console';

interface Manifest {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown; [k: string]: unknown };
  [k: string]: unknown;
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

class DocumentError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** kind → resource per group/version, from discovery, cached for one apply call. */
class Discovery {
  private readonly lists = new Map<string, Promise<ApiResource[]>>();
  constructor(private readonly ctx: ActionContext) {}

  async resolve(apiVersion: string, kind: string): Promise<ApiResource> {
    let list = this.lists.get(apiVersion);
    if (!list) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      list = this.ctx.json<{ resources: ApiResource[] }>(path).then((r) => r.resources ?? []);
      this.lists.set(apiVersion, list);
    }
    let resources: ApiResource[];
    try {
      resources = await list;
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 404) {
        throw new DocumentError('UNKNOWN_API_VERSION', `the cluster does not serve ${apiVersion}`, 'apiVersion');
      }
      throw err;
    }
    const found = resources.find((r) => r.kind === kind && !r.name.includes('/'));
    if (!found) throw new DocumentError('UNKNOWN_KIND', `the cluster has no kind ${kind} in ${apiVersion}`, 'kind');
    return found;
  }
}

/** The object without the fields the server owns, so the diff shows only what a user changes. */
function comparable(object: Record<string, unknown> | null): string {
  if (!object) return '';
  const copy = structuredClone(object) as Manifest & { status?: unknown };
  delete copy.status;
  if (copy.metadata) {
    for (const f of ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp', 'selfLink']) delete copy.metadata[f];
  }
  return stringify(copy, { sortMapEntries: true });
}

async function applyOne(ctx: ActionContext, discovery: Discovery, manifest: Manifest, req: ApplyRequest, dryRun: boolean, result: ApplyDocumentResult): Promise<void> {
  if (typeof manifest.apiVersion !== 'string' || !manifest.apiVersion) throw new DocumentError('INVALID_DOCUMENT', 'apiVersion is required', 'apiVersion');
  if (typeof manifest.kind !== 'string' || !manifest.kind) throw new DocumentError('INVALID_DOCUMENT', 'kind is required', 'kind');
  const name = manifest.metadata?.name;
  if (typeof name !== 'string' || !name) throw new DocumentError('INVALID_DOCUMENT', 'metadata.name is required', 'metadata.name');

  const api = await discovery.resolve(manifest.apiVersion, manifest.kind);
  const [group, version] = manifest.apiVersion.includes('/') ? manifest.apiVersion.split('/', 2) : ['', manifest.apiVersion];
  const metadata = manifest.metadata!;
  let namespace: string | undefined;
  if (api.namespaced) {
    namespace = typeof metadata.namespace === 'string' && metadata.namespace ? metadata.namespace : (req.namespace ?? 'default');
    metadata.namespace = namespace;
  } else delete metadata.namespace;
  if (namespace) result.namespace = namespace;

  const attrs = { apiGroup: group!, apiVersion: version!, resource: api.name, name, ...(namespace ? { namespace } : {}) };
  await ctx.authorize({ verb: 'get', ...attrs });
  await ctx.authorize({ verb: 'patch', ...attrs });

  const path = resourcePath({ group: group!, version: version!, resource: api.name, name, ...(namespace ? { namespace } : {}) });
  let live: Record<string, unknown> | null = null;
  try {
    live = await ctx.json<Record<string, unknown>>(path);
  } catch (err) {
    if (!(err instanceof KubeApiError && err.statusCode === 404)) throw err;
  }
  // Server-side apply creates missing objects: that needs create as well.
  if (!live) await ctx.authorize({ verb: 'create', ...attrs });

  // What `kubectl get -o yaml` exports and an apply cannot carry: the apiserver refuses any
  // managedFields (400), and an object to be created with a resourceVersion or uid (500, 409). A
  // resourceVersion of an object that exists stays: a stale one is the apiserver's honest 409.
  delete metadata.managedFields;
  if (!live) {
    delete metadata.resourceVersion;
    delete metadata.uid;
  }

  const query = new URLSearchParams({ fieldManager: FIELD_MANAGER });
  if (req.force) query.set('force', 'true');
  if (dryRun) query.set('dryRun', 'All');
  const applied = await ctx.json<Record<string, unknown>>(`${path}?${query}`, {
    method: 'PATCH',
    contentType: 'application/apply-patch+yaml',
    body: manifest,
  });
  const before = comparable(live);
  const after = comparable(applied);
  result.action = !live ? 'created' : before === after ? 'unchanged' : 'configured';
  const diff = unifiedDiff(before, after, { from: live ? 'live' : '/dev/null', to: dryRun ? 'dry-run' : 'applied' });
  if (diff) result.diff = diff;
}

export async function applyManifests(ctx: ActionContext, req: ApplyRequest): Promise<ApplyResult> {
  const dryRun = req.dryRun ?? true;
  const discovery = new Discovery(ctx);
  const documents: ApplyDocumentResult[] = [];
  const parsed = parseAllDocuments(req.yaml);
  const docs = Array.isArray(parsed) ? parsed : [parsed];
  for (const [index, doc] of docs.entries()) {
    const result: ApplyDocumentResult = { index, action: 'failed' };
    documents.push(result);
    if (doc.errors.length) {
      result.error = { code: 'INVALID_YAML', message: doc.errors[0]!.message };
      continue;
    }
    const manifest = doc.toJS() as Manifest | null;
    if (manifest === null || manifest === undefined) {
      documents.pop(); // an empty document (e.g. a trailing ---)
      continue;
    }
    if (typeof manifest !== 'object' || Array.isArray(manifest)) {
      result.error = { code: 'INVALID_DOCUMENT', message: 'a document must be a mapping (an object)' };
      continue;
    }
    if (typeof manifest.apiVersion === 'string') result.apiVersion = manifest.apiVersion;
    if (typeof manifest.kind === 'string') result.kind = manifest.kind;
    if (typeof manifest.metadata?.name === 'string') result.name = manifest.metadata.name;
    if (typeof manifest.metadata?.namespace === 'string') result.namespace = manifest.metadata.namespace;
    try {
      await applyOne(ctx, discovery, manifest, req, dryRun, result);
    } catch (err) {
      result.action = 'failed';
      if (err instanceof DocumentError) result.error = { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) };
      else if (err instanceof KubeApiError) {
        const cause = err.status.details?.causes?.[0];
        result.error = { code: err.reason ?? `HTTP_${err.statusCode}`, message: err.message, ...(cause?.field ? { field: cause.field } : {}) };
      } else if (err instanceof UpstreamError) result.error = { code: err.code, message: err.message };
      else {
        const e = err as { code?: unknown; message: string };
        result.error = { code: typeof e.code === 'string' ? e.code : 'APPLY_FAILED', message: e.message };
      }
    }
  }
  return { dryRun, documents };
}
