// What every resource handler receives about the request it serves.
import type { IncomingMessage } from 'node:http';
import type { ResourceDef } from '../resources/resource-def.js';
import type { ObjectStore } from '../store/object-store.js';
import type { K8sObject } from '../store/k8s-object.js';
import { apiVersionOf } from '../resources/resource-def.js';
import { converterFor } from '../resources/version-conversion.js';

export interface ResourceContext {
  store: ObjectStore;
  def: ResourceDef;
  /** the version in the URL (CRDs may serve several) */
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
  req: IncomingMessage;
}

/** The object as the requested version presents it (CRD versions are served without conversion). */
export function present(ctx: Pick<ResourceContext, 'def' | 'version'>, obj: K8sObject): K8sObject {
  if (ctx.version === ctx.def.version) return obj;
  const converter = converterFor(ctx.def, ctx.version);
  if (converter) return converter.fromStorage(obj);
  return { ...obj, apiVersion: apiVersionOf(ctx.def.group, ctx.version) };
}

/** A request body in the URL's version, as it is stored. */
export function toStored(ctx: Pick<ResourceContext, 'def' | 'version'>, obj: K8sObject, live?: K8sObject): K8sObject {
  const converter = converterFor(ctx.def, ctx.version);
  return converter ? converter.toStorage(obj, live) : obj;
}

export function isDryRun(query: URLSearchParams, body?: { dryRun?: string[] }): boolean {
  return query.getAll('dryRun').includes('All') || (body?.dryRun ?? []).includes('All');
}

/** The field manager of a write: the query parameter, else the User-Agent's program name, as the apiserver derives it. */
export function fieldManagerOf(ctx: ResourceContext): string {
  const explicit = ctx.query.get('fieldManager');
  if (explicit) return explicit;
  const ua = ctx.req.headers['user-agent'] ?? 'unknown';
  return ua.split('/')[0]?.trim() || 'unknown';
}
