// Edit → review → apply, the one flow behind "edit YAML" and "create from YAML": the backend's
// dry run returns a per-object diff that the user confirms before anything changes. Only what was
// reviewed can be applied: ticking "force" after a conflict, or a failed real apply, asks for a
// new dry run first (a forced apply changes fields whose diff the conflicting dry run never showed).
import { computed, ref, shallowRef } from 'vue';
import type { ApplyRequest, ApplyResult } from '@k8s-console/contracts';
import type { ApiError } from '#/api/client';

export type ApplyPhase = 'edit' | 'review' | 'done';

export function useApplyFlow(apply: (request: ApplyRequest) => Promise<ApplyResult>) {
  const phase = ref<ApplyPhase>('edit');
  const result = shallowRef<ApplyResult | null>(null);
  const error = shallowRef<ApiError | null>(null);
  const busy = ref(false);
  /** take over fields that other field managers own (server-side apply force) */
  const force = ref(false);

  const documents = computed(() => result.value?.documents ?? []);
  const failed = computed(() => documents.value.filter((d) => d.action === 'failed'));
  const changes = computed(() => documents.value.filter((d) => d.action === 'created' || d.action === 'configured'));
  /** the `force` of the dry run whose diff is on screen; null when what is on screen is no dry run */
  const reviewedForce = ref<boolean | null>(null);
  const canApply = computed(
    () => phase.value === 'review' && result.value?.dryRun === true && reviewedForce.value === force.value && changes.value.length > 0,
  );
  /** the diff on screen is not what Apply would do: review again first */
  const needsReview = computed(() => phase.value === 'review' && !canApply.value && reviewedForce.value !== force.value);
  const hasConflicts = computed(() => failed.value.some((d) => d.error?.code === 'Conflict' || /conflict/i.test(d.error?.message ?? '')));

  async function run(request: ApplyRequest): Promise<ApplyResult | null> {
    busy.value = true;
    error.value = null;
    reviewedForce.value = null;
    try {
      result.value = await apply(request);
      return result.value;
    } catch (err) {
      error.value = err as ApiError;
      return null;
    } finally {
      busy.value = false;
    }
  }

  /** The dry run: nothing changes in the cluster. */
  async function review(yaml: string, namespace?: string) {
    const forced = force.value;
    const res = await run({ yaml, dryRun: true, force: forced, ...(namespace ? { namespace } : {}) });
    if (res) {
      phase.value = 'review';
      reviewedForce.value = forced;
    }
  }

  async function confirm(yaml: string, namespace?: string) {
    if (!canApply.value) return;
    const res = await run({ yaml, dryRun: false, force: force.value, ...(namespace ? { namespace } : {}) });
    if (res) phase.value = res.documents.some((d) => d.action === 'failed') ? 'review' : 'done';
  }

  function backToEdit() {
    phase.value = 'edit';
    error.value = null;
  }

  function reset() {
    reviewedForce.value = null;
    phase.value = 'edit';
    result.value = null;
    error.value = null;
    force.value = false;
  }

  return { phase, result, error, busy, force, documents, failed, changes, hasConflicts, canApply, needsReview, review, confirm, backToEdit, reset };
}
