// The three roles every console starts with. They are seeded into the roles table (marked built-in,
// read-only) so bindings refer to them like any other role.
//
// Secrets and the viewer: a viewer may not get, list or watch secrets at all. A metadata-only list
// would need the proxy to rewrite every secrets request (Accept: PartialObjectMetadataList, no Table
// includeObject=Object, no watch with full objects); one missed path leaks the data. Denying the
// resource is the rule the authorizer can enforce on the parsed request alone.
import type { BuiltInRoleName } from '@k8s-console/contracts';
import { CONSOLE_API_GROUP, type PolicyRule } from './rules.js';

/** Verbs on Kubernetes objects; leaves out impersonate, escalate and bind, which only admins get. */
const OBJECT_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const READ_VERBS = ['get', 'list', 'watch'];

/** What kubectl and the UI need to discover a cluster (Kubernetes' system:discovery, plus health). */
const DISCOVERY_URLS = ['/api', '/api/*', '/apis', '/apis/*', '/version', '/version/', '/openapi', '/openapi/*', '/healthz', '/livez', '/readyz'];

const RBAC_RESOURCES = ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'];

/** Subresources that run code in, or open a tunnel into, a pod, node or service. */
const INTERACTIVE_SUBRESOURCES = ['pods/exec', 'pods/attach', 'pods/portforward', '*/proxy'];

export interface BuiltInRole {
  name: BuiltInRoleName;
  description: string;
  rules: PolicyRule[];
}

export const BUILT_IN_ROLE_DEFINITIONS: readonly BuiltInRole[] = [
  {
    name: 'admin',
    description: 'Everything in every cluster, and console administration (clusters, users, roles, bindings, audit).',
    rules: [
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      { verbs: ['*'], nonResourceURLs: ['*'] },
      { verbs: ['*'], apiGroups: [CONSOLE_API_GROUP], resources: ['*'] },
    ],
  },
  {
    name: 'operator',
    description:
      'Operate workloads in every cluster: read and change objects, scale, restart, read logs, exec. RBAC objects read-only, no console administration.',
    rules: [
      { verbs: OBJECT_VERBS, apiGroups: ['*'], resources: ['*'], exceptResources: RBAC_RESOURCES },
      // Reading RBAC objects, like a viewer: an operator can do all a viewer can.
      { verbs: READ_VERBS, apiGroups: ['rbac.authorization.k8s.io'], resources: RBAC_RESOURCES },
      { verbs: ['get'], nonResourceURLs: DISCOVERY_URLS },
      { verbs: ['get', 'list'], apiGroups: [CONSOLE_API_GROUP], resources: ['clusters'] },
    ],
  },
  {
    name: 'viewer',
    description: 'Read everything in every cluster except secrets; logs yes, exec no.',
    rules: [
      {
        verbs: READ_VERBS,
        apiGroups: ['*'],
        resources: ['*'],
        // 'secrets/*' too: a subresource path (e.g. a status) would otherwise serve the whole object.
        exceptResources: ['secrets', 'secrets/*', ...INTERACTIVE_SUBRESOURCES],
      },
      { verbs: ['get'], nonResourceURLs: DISCOVERY_URLS },
      { verbs: ['get', 'list'], apiGroups: [CONSOLE_API_GROUP], resources: ['clusters'] },
    ],
  },
];

export function builtInRole(name: BuiltInRoleName): BuiltInRole {
  const role = BUILT_IN_ROLE_DEFINITIONS.find((r) => r.name === name);
  if (!role) throw new Error(`no built-in role ${name}`);
  return role;
}
