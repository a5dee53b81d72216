// Table shape of the audit log (migration 0102), added to the foundation's Database type.

export interface AuditLogTable {
  id: string;
  time: string;
  action: string;
  outcome: string;
  user_id: string | null;
  username: string | null;
  address: string | null;
  cluster_id: string | null;
  namespace: string | null;
  api_group: string | null;
  resource: string | null;
  name: string | null;
  verb: string | null;
  status: number | null;
  detail: string | null;
}

declare module '../db/schema.js' {
  interface Database {
    audit_log: AuditLogTable;
  }
}
