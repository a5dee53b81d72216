import { describe, expect, it } from 'vitest';
import type { ApplyRequest, ApplyResult } from '@k8s-console/contracts';
import { ApiError } from '#/api/client';
import { useApplyFlow } from './apply-flow';

describe('apply flow', () => {
  it('reviews with a dry run, then applies for real', async () => {
    const calls: ApplyRequest[] = [];
    const flow = useApplyFlow(async (req) => {
      calls.push(req);
      return { dryRun: req.dryRun ?? true, documents: [{ index: 0, kind: 'ConfigMap', name: 'c', action: 'configured', diff: '-a\n+b' }] };
    });
    await flow.review('kind: ConfigMap', 'shop');
    expect(flow.phase.value).toBe('review');
    expect(flow.changes.value).toHaveLength(1);
    await flow.confirm('kind: ConfigMap', 'shop');
    expect(flow.phase.value).toBe('done');
    expect(calls).toEqual([
      { yaml: 'kind: ConfigMap', dryRun: true, force: false, namespace: 'shop' },
      { yaml: 'kind: ConfigMap', dryRun: false, force: false, namespace: 'shop' },
    ]);
  });

  it('stays in review when a document fails, and offers force on conflicts', async () => {
    const result: ApplyResult = {
      dryRun: false,
      documents: [{ index: 0, action: 'failed', error: { code: 'Conflict', message: 'conflict with "kubectl": .spec.replicas' } }],
    };
    const flow = useApplyFlow(async () => result);
    await flow.confirm('x');
    expect(flow.phase.value).toBe('review');
    expect(flow.hasConflicts.value).toBe(true);
  });

  it('keeps the user in the editor when the request itself fails', async () => {
    const flow = useApplyFlow(async () => {
      throw new ApiError(400, 'INVALID_YAML', 'line 2: bad');
    });
    await flow.review('x');
    expect(flow.phase.value).toBe('edit');
    expect(flow.error.value?.message).toBe('line 2: bad');
  });
});
