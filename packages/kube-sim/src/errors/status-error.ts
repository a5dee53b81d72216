// Failures are thrown as StatusError and written by the HTTP layer as a metav1.Status, the shape every
// Kubernetes client parses (reason + code + details.causes).

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  /** ListMeta: empty but for the continue token of an expired list page */
  metadata: { continue?: string };
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
    readonly listMeta?: { continue?: string },
  ) {
    super(message);
  }

  toStatus(): Status {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: this.listMeta ?? {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) status.details = this.details;
    // an error the apiserver did not classify (StatusReasonUnknown) has no reason at all
    if (this.reason === '') delete (status as Partial<Status>).reason;
    return status;
  }
}

/** The qualified resource as the apiserver names it in messages: `deployments.apps`, `pods`. */
export interface QualifiedResource {
  group: string;
  resource: string;
}

const qualified = (r: QualifiedResource): string => (r.group ? `${r.resource}.${r.group}` : r.resource);

export function notFound(r: QualifiedResource, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${qualified(r)} "${name}" not found`, {
    name,
    group: r.group || undefined,
    kind: r.resource,
  });
}

export function alreadyExists(r: QualifiedResource, name: string): StatusError {
  return new StatusError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, {
    name,
    group: r.group || undefined,
    kind: r.resource,
  });
}

export function conflict(r: QualifiedResource, name: string, why: string): StatusError {
  return new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`, {
    name,
    group: r.group || undefined,
    kind: r.resource,
  });
}

export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): StatusError {
  const list = causes.map((c) => `${c.field ? `${c.field}: ` : ''}${c.message}`);
  const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  return new StatusError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`, {
    name: name || undefined,
    group: group || undefined,
    kind,
    causes,
  });
}

export const badRequest = (message: string): StatusError => new StatusError(400, 'BadRequest', message);

export const methodNotAllowed = (message = 'the server does not allow this method on the requested resource'): StatusError =>
  new StatusError(405, 'MethodNotAllowed', message);

export const pathNotFound = (): StatusError => new StatusError(404, 'NotFound', 'the server could not find the requested resource');

export const gone = (message: string): StatusError => new StatusError(410, 'Expired', message);

export const unauthorized = (): StatusError => new StatusError(401, 'Unauthorized', 'Unauthorized');

export const unsupportedMediaType = (contentType: string): StatusError =>
  new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${contentType})`);

export const notAcceptable = (): StatusError =>
  new StatusError(406, 'NotAcceptable', 'only the following media types are accepted: application/json, application/yaml');

export const internalError = (message: string): StatusError =>
  new StatusError(500, 'InternalError', `Internal error occurred: ${message}`);

export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  return internalError(err instanceof Error ? err.message : String(err));
}
