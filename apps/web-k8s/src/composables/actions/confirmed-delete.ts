// Runs a delete the user has confirmed, then says how it went: a success toast with `deleted`, or
// the error's message. Resolves to whether it succeeded.
import { useToast } from '#/composables/feedback/toast';
import { useErrorMessage } from '#/composables/errors/error-message';

export function useConfirmedDelete() {
  const errorMessage = useErrorMessage();
  const toast = useToast();
  return async function runDelete(remove: () => Promise<unknown>, deleted: string): Promise<boolean> {
    try {
      await remove();
    } catch (err) {
      toast.error(errorMessage(err));
      return false;
    }
    toast.success(deleted);
    return true;
  };
}
