// The one authorization hook every way into a cluster passes (REST, proxy, watch, logs, exec,
// actions, apply). The console-RBAC issue supplies the real implementation; until then any
// authenticated user is allowed.

export interface Subject {
  userId: string;
  username: string;
  groups: string[];
}

/** Kubernetes-style request attributes, as parsed from the proxied path (see kube/request-info.ts). */
export interface ResourceAttributes {
  clusterId: string;
  verb: string; // get list watch create update patch delete deletecollection (or a console verb)
  apiGroup: string; // '' for core
  apiVersion?: string;
  resource: string; // plural, e.g. pods
  subresource?: string; // e.g. log, exec, scale, status
  namespace?: string; // absent for cluster-scoped
  name?: string;
}

export interface NonResourceAttributes {
  clusterId: string;
  verb: string;
  path: string; // e.g. /version, /apis
}

export type Decision = { allowed: true } | { allowed: false; reason: string };

export interface AuthorizeOptions {
  /**
   * Decide without reporting a denial to the audit log: for a caller that, when refused, hands
   * the request to the path that asks again and answers (the proxy's fast path).
   */
  quiet?: boolean;
}

export interface Authorizer {
  authorizeResource(subject: Subject, attrs: ResourceAttributes, options?: AuthorizeOptions): Promise<Decision>;
  authorizeNonResource(subject: Subject, attrs: NonResourceAttributes, options?: AuthorizeOptions): Promise<Decision>;
  /**
   * The same decision, synchronously, from what the authorizer already holds; undefined when it
   * would first have to look something up (then ask authorizeResource). Reports no denial. For
   * the proxy's fast path, where each await costs more than the decision itself.
   */
  authorizeResourceNow?(subject: Subject, attrs: ResourceAttributes): Decision | undefined;
  /** authorizeNonResource from what the authorizer already holds, as authorizeResourceNow */
  authorizeNonResourceNow?(subject: Subject, attrs: NonResourceAttributes): Decision | undefined;
}

/** The one allowed decision (shared: deciding allows far more often than it refuses). */
export const ALLOWED: Decision = Object.freeze({ allowed: true });

export const allowAuthenticated: Authorizer = {
  async authorizeResource() {
    return ALLOWED;
  },
  async authorizeNonResource() {
    return ALLOWED;
  },
  authorizeResourceNow: () => ALLOWED,
  authorizeNonResourceNow: () => ALLOWED,
};
