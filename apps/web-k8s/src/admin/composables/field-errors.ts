// Server validation errors name the field they are about (`error.field`); forms show them under
// that field, like their own rules. The server decides password strength, so its words are shown.
import { reactive } from 'vue';
import { isApiError } from '#/api/client';

export function useFieldErrors() {
  const errors = reactive<Record<string, string>>({});

  /** Puts the error under its field and returns true, or returns false when it names no field we show. */
  function take(err: unknown, fields: readonly string[]): boolean {
    if (!isApiError(err) || !err.field) return false;
    const field = fields.find((f) => err.field === f || err.field!.startsWith(`${f}.`));
    if (!field) return false;
    errors[field] = err.message;
    return true;
  }

  function clear(field?: string) {
    if (field) delete errors[field];
    else for (const key of Object.keys(errors)) delete errors[key];
  }

  /** Props for an <a-form-item> bound to this field. */
  function itemProps(field: string) {
    return errors[field] ? { validateStatus: 'error' as const, help: errors[field] } : {};
  }

  return { errors, take, clear, itemProps };
}
