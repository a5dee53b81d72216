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
    const flow = useApplyFlow(async (req): Promise<ApplyResult> =>
      req.dryRun
        ? { dryRun: true, documents: [{ index: 0, kind: 'ConfigMap', name: 'c', action: 'configured', diff: '-a\n+b' }] }
        : { dryRun: false, documents: [{ index: 0, action: 'failed', error: { code: 'Conflict', message: 'conflict with "kubectl": .spec.replicas' } }] },
    );
    await flow.review('x');
    await flow.confirm('x');
    expect(flow.phase.value).toBe('review');
    expect(flow.hasConflicts.value).toBe(true);
    // what failed is on screen, not a diff: applying again needs a new review
    expect(flow.canApply.value).toBe(false);
    expect(flow.needsReview.value).toBe(true);
  });

  it('applies with force only after a dry run with force showed its diff', async () => {
    const calls: ApplyRequest[] = [];
    const flow = useApplyFlow(async (req): Promise<ApplyResult> => {
      calls.push(req);
      if (!req.force) return { dryRun: true, documents: [{ index: 0, action: 'failed', error: { code: 'Conflict', message: 'conflict with "helm": .data.LOG_LEVEL' } }] };
      return { dryRun: req.dryRun ?? true, documents: [{ index: 0, kind: 'ConfigMap', name: 'c', action: 'configured', diff: '-  LOG_LEVEL: info\n+  LOG_LEVEL: debug' }] };
    });
    await flow.review('x');
    expect(flow.hasConflicts.value).toBe(true);
    expect(flow.canApply.value).toBe(false);
    flow.force.value = true;
    // the conflicting dry run showed no diff of what force would change
    expect(flow.canApply.value).toBe(false);
    expect(flow.needsReview.value).toBe(true);
    await flow.confirm('x');
    expect(calls.filter((c) => !c.dryRun)).toEqual([]);
    await flow.review('x');
    expect(flow.canApply.value).toBe(true);
    // unticking force again makes the forced diff on screen stale
    flow.force.value = false;
    expect(flow.canApply.value).toBe(false);
    flow.force.value = true;
    await flow.confirm('x');
    expect(flow.phase.value).toBe('done');
    expect(calls.at(-1)).toEqual({ yaml: 'x', dryRun: false, force: true });
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
