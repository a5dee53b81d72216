// Errors no route mapped: a cluster's refusal keeps its meaning instead of becoming the console
// session's 401 or a bare 500.
import type { FastifyError } from 'fastify';
import { describe, expect, it } from 'vitest';
import { KubeApiError } from '../kube/kube-access.js';
import { UpstreamError } from '../kube/upstream-request.js';
import { toApiError } from './error-handler.js';

describe('toApiError', () => {
  it("answers a cluster's 401 as 502 CLUSTER_UNAUTHORIZED: the console session is fine", () => {
    const err = toApiError(new KubeApiError(401, { kind: 'Status', message: 'Unauthorized', reason: 'Unauthorized' }) as unknown as FastifyError);
    expect(err.statusCode).toBe(502);
    expect(err.code).toBe('CLUSTER_UNAUTHORIZED');
  });

  it("keeps a cluster's other statuses and reasons, and an unreachable cluster's 502", () => {
    expect(toApiError(new KubeApiError(409, { kind: 'Status', message: 'exists', reason: 'AlreadyExists' }) as unknown as FastifyError)).toMatchObject({ statusCode: 409, code: 'AlreadyExists' });
    expect(toApiError(new UpstreamError(502, 'CLUSTER_UNREACHABLE', 'cluster "a" is unreachable') as unknown as FastifyError)).toMatchObject({
      statusCode: 502,
      code: 'CLUSTER_UNREACHABLE',
      message: 'cluster "a" is unreachable',
    });
  });
});
