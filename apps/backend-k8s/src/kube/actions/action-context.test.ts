// A cluster's failure as the console answers it.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../errors/api-error.js';
import { KubeApiError } from '../kube-access.js';
import { toConsoleError } from './action-context.js';

describe('toConsoleError', () => {
  it("keeps the apiserver's status and reason", () => {
    const err = toConsoleError(new KubeApiError(404, { kind: 'Status', status: 'Failure', code: 404, reason: 'NotFound', message: 'deployments.apps "web" not found' }));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ statusCode: 404, code: 'NotFound', message: 'deployments.apps "web" not found' });
  });

  it("never answers 401 for the cluster refusing the console's credentials, which would read as the user's session ending", () => {
    const err = toConsoleError(new KubeApiError(401, { kind: 'Status', status: 'Failure', code: 401, reason: 'Unauthorized', message: 'Unauthorized' }));
    expect(err).toMatchObject({ statusCode: 502, code: 'CLUSTER_UNAUTHORIZED' });
    expect((err as ApiError).message).toMatch(/refused the console's credentials/);
  });
});
