// The audit log: who did what, where, from which address, and how it ended (GET /api/v1/audit).
import { Type, type Static } from '@sinclair/typebox';
import { TimestampSchema } from './common.js';

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export const AuditOutcomeSchema = Type.Union(AUDIT_OUTCOMES.map((o) => Type.Literal(o)));
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** What kind of event a record is; 'request' is a mutating API request. */
export const AUDIT_ACTIONS = ['request', 'login', 'logout', 'refresh', 'sso', 'exec', 'denial', 'password'] as const;
export const AuditActionSchema = Type.Union(AUDIT_ACTIONS.map((a) => Type.Literal(a)));
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const Text = (max: number) => Type.Union([Type.String({ maxLength: max }), Type.Null()]);

export const AuditEntrySchema = Type.Object(
  {
    id: Type.String(),
    time: TimestampSchema,
    action: AuditActionSchema,
    outcome: AuditOutcomeSchema,
    /** the console user id, or null when unknown (e.g. a failed login) */
    userId: Text(64),
    username: Text(256),
    /** the client address as the backend sees it (after trusted proxies) */
    address: Text(64),
    clusterId: Text(253),
    namespace: Text(253),
    apiGroup: Text(253),
    /** plural resource, with its subresource when there is one: 'pods/exec' */
    resource: Text(253),
    name: Text(253),
    verb: Text(64),
    /** HTTP status of the request, when it was one */
    status: Type.Union([Type.Integer(), Type.Null()]),
    /** a short human-readable detail: the denial reason, the failure cause; never a secret */
    detail: Text(1024),
  },
  { $id: 'AuditEntry' },
);
export type AuditEntry = Static<typeof AuditEntrySchema>;

export const AuditQuerySchema = Type.Object(
  {
    username: Type.Optional(Type.String({ maxLength: 256 })),
    action: Type.Optional(AuditActionSchema),
    outcome: Type.Optional(AuditOutcomeSchema),
    cluster: Type.Optional(Type.String({ maxLength: 253 })),
    namespace: Type.Optional(Type.String({ maxLength: 253 })),
    resource: Type.Optional(Type.String({ maxLength: 253 })),
    verb: Type.Optional(Type.String({ maxLength: 64 })),
    /** only records at or after / before these times */
    since: Type.Optional(TimestampSchema),
    until: Type.Optional(TimestampSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    /** the `next` cursor of the previous page */
    cursor: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false, $id: 'AuditQuery' },
);
export type AuditQuery = Static<typeof AuditQuerySchema>;

export const AuditPageSchema = Type.Object(
  {
    items: Type.Array(AuditEntrySchema),
    /** pass as `cursor` for the next (older) page; null on the last page */
    next: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'AuditPage' },
);
export type AuditPage = Static<typeof AuditPageSchema>;
