// The audit page's filters live in the URL (so a filtered view can be shared); this converts
// between the route query, the form and the API query.
import type { AuditAction, AuditOutcome, AuditQuery } from '@k8s-console/contracts';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '@k8s-console/contracts';

export interface AuditFilters {
  username: string;
  cluster: string;
  namespace: string;
  resource: string;
  verb: string;
  action: AuditAction | '';
  outcome: AuditOutcome | '';
  /** ISO timestamps, '' when open */
  since: string;
  until: string;
}

export const PAGE_SIZE = 50;

const TEXT_KEYS = ['username', 'cluster', 'namespace', 'resource', 'verb'] as const;

const first = (value: unknown): string => {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' ? v : '';
};

const isoOrEmpty = (value: string): string => (value && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : '');

export function filtersFromQuery(query: Record<string, unknown>): AuditFilters {
  const action = first(query.action);
  const outcome = first(query.outcome);
  const filters: AuditFilters = {
    username: '',
    cluster: '',
    namespace: '',
    resource: '',
    verb: '',
    action: (AUDIT_ACTIONS as readonly string[]).includes(action) ? (action as AuditAction) : '',
    outcome: (AUDIT_OUTCOMES as readonly string[]).includes(outcome) ? (outcome as AuditOutcome) : '',
    since: isoOrEmpty(first(query.since)),
    until: isoOrEmpty(first(query.until)),
  };
  for (const key of TEXT_KEYS) filters[key] = first(query[key]).trim();
  return filters;
}

/** The route query for these filters: only the ones set, so URLs stay short. */
export function filtersToQuery(filters: AuditFilters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(filters)) {
    const v = typeof value === 'string' ? value.trim() : '';
    if (v) out[key] = v;
  }
  return out;
}

export function toAuditQuery(filters: AuditFilters, cursor?: string | null): AuditQuery {
  return { ...filtersToQuery(filters), limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } as AuditQuery;
}
