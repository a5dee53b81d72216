// The state and rules of the add/edit cluster form, apart from its markup so it can be tested:
// client-side checks, the context picker, and server errors placed at the field they name.
import { computed, reactive, ref, shallowRef, watch } from 'vue';
import type { Cluster, ClusterCreateInput, ClusterUpdateInput } from '@k8s-console/contracts';
import { isApiError } from '#/api/client';
import { suggestClusterName, summariseKubeconfig, type KubeconfigSummary } from './kubeconfig-contexts';

export type ClusterFormField = 'name' | 'description' | 'kubeconfig' | 'context';

const NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const MAX_KUBECONFIG_BYTES = 512 * 1024;

/** The API names a field as a JSON path ("/kubeconfig", "body.context", "kubeconfig"); the form needs the key. */
export function formFieldOf(field: string | undefined): ClusterFormField | null {
  if (!field) return null;
  const key = field
    .replace(/^\$\.?/, '')
    .replace(/^\/+/, '')
    .replace(/^body[./]/, '')
    .split(/[./[]/)[0];
  return key === 'name' || key === 'description' || key === 'kubeconfig' || key === 'context' ? key : null;
}

export interface ClusterFormMessages {
  nameRequired: string;
  nameRule: string;
  kubeconfigRequired: string;
  yamlError: (message: string, line?: number) => string;
}

export function useClusterForm(messages: ClusterFormMessages) {
  const editing = shallowRef<Cluster | null>(null);
  const values = reactive({ name: '', description: '', kubeconfig: '', context: undefined as string | undefined });
  const errors = reactive<Partial<Record<ClusterFormField, string>>>({});
  /** Set when the server rejected the input without naming a field. */
  const generalError = ref<string | null>(null);
  const nameTouched = ref(false);

  const summary = computed<KubeconfigSummary | null>(() =>
    values.kubeconfig.trim() ? summariseKubeconfig(values.kubeconfig) : null,
  );
  const contexts = computed(() => (summary.value?.ok ? summary.value.contexts : []));
  const needsContextPicker = computed(() => contexts.value.length > 1);

  // A new kubeconfig: preselect its current context and suggest a name from it.
  watch(summary, (s) => {
    delete errors.kubeconfig;
    delete errors.context;
    if (!s?.ok) return;
    if (!values.context || !s.contexts.some((c) => c.name === values.context)) {
      values.context = s.currentContext ?? s.contexts[0]?.name;
    }
    if (!editing.value && !nameTouched.value && !values.name) {
      const ctx = s.contexts.find((c) => c.name === values.context);
      values.name = suggestClusterName(ctx?.cluster || ctx?.name || '');
    }
  });
  watch(
    () => values.name,
    () => delete errors.name,
  );
  watch(
    () => values.context,
    () => delete errors.context,
  );

  function reset(cluster: Cluster | null) {
    editing.value = cluster;
    values.name = cluster?.name ?? '';
    values.description = cluster?.description ?? '';
    values.kubeconfig = '';
    values.context = undefined;
    nameTouched.value = false;
    clearErrors();
  }

  function clearErrors() {
    for (const key of Object.keys(errors) as ClusterFormField[]) delete errors[key];
    generalError.value = null;
  }

  function validate(): boolean {
    clearErrors();
    if (!values.name.trim()) errors.name = messages.nameRequired;
    else if (values.name.length > 63 || !NAME_PATTERN.test(values.name)) errors.name = messages.nameRule;
    const needKubeconfig = !editing.value;
    if (!values.kubeconfig.trim()) {
      if (needKubeconfig) errors.kubeconfig = messages.kubeconfigRequired;
    } else if (summary.value && !summary.value.ok) {
      errors.kubeconfig = messages.yamlError(summary.value.message, summary.value.line);
    }
    return Object.keys(errors).length === 0;
  }

  /** Places an API failure at its field, or as a general error when it names none we show. */
  function applyServerError(err: unknown, fallback: (err: unknown) => string) {
    const field = isApiError(err) ? formFieldOf(err.field) : null;
    const message = fallback(err);
    if (field) errors[field] = message;
    else generalError.value = message;
  }

  function createInput(): ClusterCreateInput {
    return {
      name: values.name.trim(),
      ...(values.description.trim() ? { description: values.description.trim() } : {}),
      kubeconfig: values.kubeconfig,
      ...(values.context ? { context: values.context } : {}),
    };
  }

  /** Only what changed; an empty kubeconfig keeps the stored one. */
  function updateInput(): ClusterUpdateInput {
    const current = editing.value;
    const input: ClusterUpdateInput = {};
    if (values.name.trim() !== current?.name) input.name = values.name.trim();
    if (values.description.trim() !== (current?.description ?? '')) input.description = values.description.trim();
    if (values.kubeconfig.trim()) {
      input.kubeconfig = values.kubeconfig;
      if (values.context) input.context = values.context;
    }
    return input;
  }

  return {
    editing,
    values,
    errors,
    generalError,
    nameTouched,
    summary,
    contexts,
    needsContextPicker,
    reset,
    validate,
    applyServerError,
    createInput,
    updateInput,
    clearErrors,
  };
}
