import { describe, expect, it } from 'vitest';
import { PAGE_SIZE, filtersFromQuery, filtersToQuery, toAuditQuery } from './audit-filters';

describe('audit filters', () => {
  it('reads the route query, dropping unknown actions/outcomes and unreadable times', () => {
    const filters = filtersFromQuery({ username: ' ann ', action: 'teleport', outcome: 'denied', since: 'yesterday', until: '2026-01-02T03:04:05Z', verb: ['delete', 'x'] });
    expect(filters).toMatchObject({ username: 'ann', action: '', outcome: 'denied', since: '', until: '2026-01-02T03:04:05.000Z', verb: 'delete' });
  });

  it('writes only the filters that are set, and round-trips through the URL', () => {
    const filters = filtersFromQuery({ cluster: 'c1', outcome: 'failure' });
    expect(filtersToQuery(filters)).toEqual({ cluster: 'c1', outcome: 'failure' });
    expect(filtersFromQuery(filtersToQuery(filters))).toEqual(filters);
  });

  it('builds the API query with the page size and the cursor of the page asked for', () => {
    const filters = filtersFromQuery({ username: 'ann' });
    expect(toAuditQuery(filters)).toEqual({ username: 'ann', limit: PAGE_SIZE });
    expect(toAuditQuery(filters, 'abc')).toEqual({ username: 'ann', limit: PAGE_SIZE, cursor: 'abc' });
  });
});
