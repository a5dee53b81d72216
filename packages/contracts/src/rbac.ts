// Console RBAC: rules, roles, bindings, users (admin pages) and "what may I do" (GET /api/v1/me/permissions).
// Rules mirror Kubernetes PolicyRule, plus the clusters and namespaces they apply to.
import { Type, type Static } from '@sinclair/typebox';
import { IdSchema, TimestampSchema } from './common.js';

/** The API group of console administration (clusters, users, roles, rolebindings, audit). */
export const CONSOLE_API_GROUP = 'console.k8s-console.io';
/** The resources of the console API group. */
export const CONSOLE_RESOURCES = ['clusters', 'users', 'roles', 'rolebindings', 'audit'] as const;
export const BUILT_IN_ROLES = ['admin', 'operator', 'viewer'] as const;
export type BuiltInRoleName = (typeof BUILT_IN_ROLES)[number];

const NameList = (description: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 256, description });

export const PolicyRuleSchema = Type.Object(
  {
    verbs: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: 64,
      description: "get list watch create update patch delete deletecollection …, or '*'",
    }),
    apiGroups: Type.Optional(
      Type.Array(Type.String({ maxLength: 253 }), {
        maxItems: 256,
        description: "'' is the core group; '*' is every Kubernetes group but never the console group, which must be named",
      }),
    ),
    resources: Type.Optional(
      NameList("plural names, subresources as 'pods/log', '*/scale', 'pods/*'; '*' matches all incl. subresources"),
    ),
    exceptResources: Type.Optional(
      NameList('resources this rule does not cover even when `resources` matches them (same patterns)'),
    ),
    resourceNames: Type.Optional(NameList('object names; empty or absent means any name')),
    nonResourceURLs: Type.Optional(NameList("apiserver paths such as '/version' or '/apis/*'")),
    clusters: Type.Optional(NameList("cluster ids, or '*' (absent means '*')")),
    namespaces: Type.Optional(
      NameList("namespace names, or '*' for all namespaces and cluster-scoped resources (absent means '*')"),
    ),
  },
  { additionalProperties: false, $id: 'PolicyRule' },
);
export type PolicyRule = Static<typeof PolicyRuleSchema>;

const RoleNameSchema = Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' });

export const RoleSchema = Type.Object(
  {
    id: IdSchema,
    name: RoleNameSchema,
    description: Type.String({ maxLength: 1024 }),
    rules: Type.Array(PolicyRuleSchema),
    /** built-in roles cannot be changed or deleted */
    builtIn: Type.Boolean(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  },
  { $id: 'Role' },
);
export type Role = Static<typeof RoleSchema>;

export const RoleCreateSchema = Type.Object(
  {
    name: RoleNameSchema,
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    rules: Type.Array(PolicyRuleSchema, { maxItems: 256 }),
  },
  { additionalProperties: false, $id: 'RoleCreate' },
);
export type RoleCreate = Static<typeof RoleCreateSchema>;

export const RoleUpdateSchema = Type.Partial(Type.Omit(RoleCreateSchema, ['name']), {
  additionalProperties: false,
  $id: 'RoleUpdate',
});
export type RoleUpdate = Static<typeof RoleUpdateSchema>;

export const SubjectKindSchema = Type.Union([Type.Literal('user'), Type.Literal('group')]);
export type SubjectKind = Static<typeof SubjectKindSchema>;

export const RoleBindingSchema = Type.Object(
  {
    id: IdSchema,
    roleId: IdSchema,
    roleName: Type.String(),
    subjectKind: SubjectKindSchema,
    /** a username for 'user', a group name for 'group' */
    subjectName: Type.String(),
    createdAt: TimestampSchema,
  },
  { $id: 'RoleBinding' },
);
export type RoleBinding = Static<typeof RoleBindingSchema>;

export const RoleBindingCreateSchema = Type.Object(
  {
    roleId: IdSchema,
    subjectKind: SubjectKindSchema,
    subjectName: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false, $id: 'RoleBindingCreate' },
);
export type RoleBindingCreate = Static<typeof RoleBindingCreateSchema>;

const UsernameSchema = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._@-]+$' });
const GroupsSchema = Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 64 });

export const UserSchema = Type.Object(
  {
    id: IdSchema,
    username: UsernameSchema,
    groups: GroupsSchema,
    disabled: Type.Boolean(),
    /** 'local' (password) or 'sso' (created by a host application's sign-on) */
    source: Type.Union([Type.Literal('local'), Type.Literal('sso')]),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  },
  { $id: 'User' },
);
export type User = Static<typeof UserSchema>;

export const UserCreateSchema = Type.Object(
  {
    username: UsernameSchema,
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    groups: Type.Optional(GroupsSchema),
    /** roles bound to the new user at once, by role name */
    roles: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 63 }), { maxItems: 32 })),
  },
  { additionalProperties: false, $id: 'UserCreate' },
);
export type UserCreate = Static<typeof UserCreateSchema>;

export const UserUpdateSchema = Type.Object(
  {
    groups: Type.Optional(GroupsSchema),
    disabled: Type.Optional(Type.Boolean()),
    /** an admin's password reset; revokes the user's refresh tokens */
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { additionalProperties: false, $id: 'UserUpdate' },
);
export type UserUpdate = Static<typeof UserUpdateSchema>;

export const PasswordChangeSchema = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
    newPassword: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false, $id: 'PasswordChange' },
);
export type PasswordChange = Static<typeof PasswordChangeSchema>;

/** One question the UI asks: may I do this verb on this resource here? */
export const PermissionCheckSchema = Type.Object(
  {
    verb: Type.String({ minLength: 1, maxLength: 64 }),
    /** plural, optionally with a subresource: 'pods', 'pods/exec', 'deployments/scale' */
    resource: Type.String({ minLength: 1, maxLength: 253 }),
    group: Type.Optional(Type.String({ maxLength: 253, description: "'' (default) is the core group" })),
    namespace: Type.Optional(Type.String({ maxLength: 253 })),
    name: Type.Optional(Type.String({ maxLength: 253 })),
  },
  { additionalProperties: false, $id: 'PermissionCheck' },
);
export type PermissionCheck = Static<typeof PermissionCheckSchema>;

export const PermissionsQuerySchema = Type.Object(
  { cluster: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })) },
  { additionalProperties: false },
);
export type PermissionsQuery = Static<typeof PermissionsQuerySchema>;

/** Body of POST /api/v1/me/permissions (a batch check; GET returns the effective rules only). */
export const PermissionsCheckRequestSchema = Type.Object(
  {
    cluster: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    checks: Type.Array(PermissionCheckSchema, { maxItems: 500 }),
  },
  { additionalProperties: false, $id: 'PermissionsCheckRequest' },
);
export type PermissionsCheckRequest = Static<typeof PermissionsCheckRequestSchema>;

export const PermissionsResponseSchema = Type.Object(
  {
    cluster: Type.Union([Type.String(), Type.Null()]),
    /** the caller's rules that apply to this cluster (all rules when no cluster was given) */
    rules: Type.Array(PolicyRuleSchema),
    /** the names of the roles these rules come from */
    roles: Type.Array(Type.String()),
    /** may the caller administer the console (users, roles, bindings, audit, adding clusters) */
    console: Type.Object({
      clusters: Type.Object({ create: Type.Boolean(), update: Type.Boolean(), delete: Type.Boolean() }),
      users: Type.Boolean(),
      roles: Type.Boolean(),
      rolebindings: Type.Boolean(),
      audit: Type.Boolean(),
    }),
    /** one entry per check, in order (empty for GET) */
    checks: Type.Array(
      Type.Object({
        check: PermissionCheckSchema,
        allowed: Type.Boolean(),
        reason: Type.Optional(Type.String()),
      }),
    ),
  },
  { $id: 'PermissionsResponse' },
);
export type PermissionsResponse = Static<typeof PermissionsResponseSchema>;
