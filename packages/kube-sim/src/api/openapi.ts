// A minimal OpenAPI surface, without type schemas. kubectl insists on downloading /openapi/v2 (as
// protobuf) before `apply`/`create` with validation, then reads the v3 per group-version documents
// to learn that the server validates fields itself (fieldValidation on PATCH) and skips
// client-side schema checks. Objects of kinds it finds no schema for are not validated client-side.
import { createHash } from 'node:crypto';
import type { ResourceRegistry } from '../resources/resource-registry.js';

const gvPath = (group: string, version: string): string => (group ? `apis/${group}/${version}` : `api/${version}`);

export function openApiV3Index(registry: ResourceRegistry): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const g of registry.groups()) {
    for (const v of g.versions) {
      const p = gvPath(g.group, v);
      const hash = createHash('sha256').update(JSON.stringify(openApiV3Document(registry, p))).digest('hex').slice(0, 32).toUpperCase();
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
    }
  }
  return { paths };
}

const param = (name: string): unknown => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });

export function openApiV3Document(registry: ResourceRegistry, gv: string): unknown | undefined {
  const m = /^(?:api\/(v[^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(gv);
  if (!m) return undefined;
  const group = m[2] ?? '';
  const version = m[1] ?? m[3] ?? '';
  const defs = registry.inGroupVersion(group, version);
  if (defs.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const def of defs) {
    const gvk = { group, version, kind: def.kind };
    const base = `/${gvPath(group, version)}${def.namespaced ? '/namespaces/{namespace}' : ''}/${def.resource}`;
    const write = ['dryRun', 'fieldManager', 'fieldValidation'].map(param);
    paths[base] = {
      get: { 'x-kubernetes-action': 'list', 'x-kubernetes-group-version-kind': gvk, parameters: [] },
      post: { 'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': gvk, parameters: write },
    };
    paths[`${base}/{name}`] = {
      get: { 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': gvk, parameters: [] },
      put: { 'x-kubernetes-action': 'put', 'x-kubernetes-group-version-kind': gvk, parameters: write },
      patch: { 'x-kubernetes-action': 'patch', 'x-kubernetes-group-version-kind': gvk, parameters: [...write, param('force')] },
      delete: { 'x-kubernetes-action': 'delete', 'x-kubernetes-group-version-kind': gvk, parameters: [param('dryRun')] },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.28.0' }, paths, components: { schemas: {} } };
}

const protoString = (field: number, value: string | Buffer): Buffer => {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([Buffer.from([(field << 3) | 2, bytes.length]), bytes]);
};

/** An empty swagger 2.0 document in gnostic's protobuf encoding (openapi_v2.Document: swagger=1, info=2{title=1, version=2}). */
export function openApiV2Protobuf(): Buffer {
  const info = Buffer.concat([protoString(1, 'Kubernetes'), protoString(2, 'v1.28.0')]);
  return Buffer.concat([protoString(1, '2.0'), protoString(2, info)]);
}

// what the apiserver answers with (Go's mime parser refuses the '@' of the requested type)
export const openApiV2ProtobufType = 'application/octet-stream';

export function openApiV2Json(): unknown {
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.28.0' }, paths: {}, definitions: {} };
}
