// vue-i18n in composition mode; the active locale follows the preferences store.
import { createI18n } from 'vue-i18n';
import { messages, type MessageSchema, type SupportedLocale } from '#/locales';

export function createConsoleI18n(locale: SupportedLocale) {
  return createI18n<[MessageSchema], SupportedLocale, false>({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages,
    missingWarn: false,
    fallbackWarn: false,
  });
}

export type ConsoleI18n = ReturnType<typeof createConsoleI18n>;
