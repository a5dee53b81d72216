// One way to turn any failure into a sentence for the user: known client-side codes are
// translated, server messages (which already say what to do) are shown as they are.
import { useI18n } from 'vue-i18n';
import { isApiError } from '#/api/client';

const TRANSLATED_CODES = new Set(['NETWORK_ERROR', 'SESSION_EXPIRED', 'CLUSTER_UNAUTHORIZED', 'INVALID_KUBERNETES_PATH']);

export function useErrorMessage() {
  const { t } = useI18n();
  return function errorMessage(err: unknown): string {
    if (isApiError(err)) return TRANSLATED_CODES.has(err.code) ? t(`errors.${err.code}`) : err.message;
    return t('errors.generic', { message: err instanceof Error ? err.message : String(err) });
  };
}
