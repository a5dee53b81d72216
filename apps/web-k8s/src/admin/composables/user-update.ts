// Saves a change to one user (groups, password, disabled) the way every admin screen does: a
// success toast naming the user, or the error (shown by `onError` when it takes it, else a toast).
import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useToast } from '#/composables/feedback/toast';
import type { User, UserUpdate } from '@k8s-console/contracts';
import { useApiClient } from '#/api/context';
import { usersApi } from '#/api/admin';
import { useErrorMessage } from '#/composables/errors/error-message';

export function useUserUpdate() {
  const { t } = useI18n();
  const api = usersApi(useApiClient());
  const errorMessage = useErrorMessage();
  const toast = useToast();
  const saving = ref(false);

  /** The saved user, or null when it failed. `onError` returns true when it showed the error itself. */
  async function save(userId: string, change: UserUpdate, onError?: (err: unknown) => boolean): Promise<User | null> {
    saving.value = true;
    try {
      const user = await api.update(userId, change);
      toast.success(t('admin.users.updated', { name: user.username }));
      return user;
    } catch (err) {
      if (!onError?.(err)) toast.error(errorMessage(err));
      return null;
    } finally {
      saving.value = false;
    }
  }

  return { saving, save };
}
