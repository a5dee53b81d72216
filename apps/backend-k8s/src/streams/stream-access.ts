// Authentication, cluster lookup and the one authorization check of every stream endpoint, run as
// a preValidation hook: for a WebSocket that is BEFORE the upgrade, so a refusal reaches the
// client as a plain HTTP 401/403/404 and no socket is ever opened for it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { tokenFromProtocols } from '../auth/websocket-token.js';
import type { ClusterConnection } from '../clusters/credentials.js';
import type { Authorizer, Decision, ResourceAttributes, Subject } from '../rbac/authorizer.js';

export interface StreamAccessDeps {
  /** resolves a console token to its user; returns null (or throws) when it is not valid */
  authenticate(token: string): Promise<Subject | null | undefined> | Subject | null | undefined;
  authorizer: Authorizer;
  clusters: { get(id: string): Promise<ClusterConnection | null | undefined> | ClusterConnection | null | undefined };
}

export interface StreamAccess {
  subject: Subject;
  cluster: ClusterConnection;
  /** what was authorized, checked again when users, roles or bindings change */
  checks: ResourceAttributes[];
}

type AttributesFor = (req: FastifyRequest) => Omit<ResourceAttributes, 'clusterId'>[];

const granted = new WeakMap<IncomingMessage, StreamAccess>();

/** What the access hook established for this request (set only when it let the request through). */
export function streamAccess(req: FastifyRequest): StreamAccess {
  const access = granted.get(req.raw);
  if (!access) throw new Error('stream route registered without its access hook');
  return access;
}

function bearerToken(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim() || null;
  return tokenFromProtocols(req.headers['sec-websocket-protocol']);
}

function deny(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

/** Every check in turn; the first refusal wins. */
export async function authorizeAll(authorizer: Authorizer, subject: Subject, checks: ResourceAttributes[]): Promise<Decision> {
  for (const attrs of checks) {
    const decision = await authorizer.authorizeResource(subject, attrs);
    if (!decision.allowed) return decision;
  }
  return { allowed: true };
}

export function streamAccessHook(deps: StreamAccessDeps, attributesFor: AttributesFor) {
  return async function checkStreamAccess(req: FastifyRequest, reply: FastifyReply) {
    // the auth plugin's onRequest hook may already have established the user
    const known = (req as { subject?: Subject | null }).subject;
    const token = known ? null : bearerToken(req);
    if (!known && !token) {
      return deny(reply, 401, 'UNAUTHENTICATED', 'sign in first: send the token as Authorization: Bearer or as the base64url.bearer.authorization.k8s.io subprotocol');
    }
    let subject: Subject | null | undefined = known;
    if (!subject && token) {
      try {
        subject = await deps.authenticate(token);
      } catch {
        subject = null;
      }
    }
    if (!subject) return deny(reply, 401, 'UNAUTHENTICATED', 'the token is invalid or expired: sign in again');

    const clusterId = (req.params as { id: string }).id;
    let cluster: ClusterConnection | null | undefined;
    try {
      cluster = await deps.clusters.get(clusterId);
    } catch (err) {
      const e = err as { statusCode?: number; code?: unknown; message: string };
      // e.g. 502 CLUSTER_CREDENTIALS_FAILED: the cluster's exec plugin failed
      if (e.statusCode && e.statusCode !== 404 && typeof e.code === 'string') return deny(reply, e.statusCode, e.code, e.message);
      if (e.statusCode !== 404) throw err;
      cluster = null;
    }
    if (!cluster) return deny(reply, 404, 'CLUSTER_NOT_FOUND', `no cluster with id "${clusterId}"`);

    const checks = attributesFor(req).map((attrs) => ({ clusterId, ...attrs }));
    const decision = await authorizeAll(deps.authorizer, subject, checks);
    if (!decision.allowed) return deny(reply, 403, 'FORBIDDEN', decision.reason);
    granted.set(req.raw, { subject, cluster, checks });
  };
}
