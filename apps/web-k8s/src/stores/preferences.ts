// The user's display choices: theme and language. Kept in storage, not in the URL, because they
// belong to the person, not to the page being shared.
import { defineStore } from 'pinia';
import { inject, ref, watch } from 'vue';
import { CONSOLE_STORAGE, memoryStorage, readJson } from './key-value-storage';
import { SUPPORTED_LOCALES, type SupportedLocale } from '#/locales';

const STORAGE_KEY = 'k8s-console.preferences';

export type ThemeMode = 'light' | 'dark';

interface PersistedPreferences {
  theme: ThemeMode;
  locale: SupportedLocale;
}

export function preferredLocale(languages: readonly string[]): SupportedLocale {
  for (const lang of languages) {
    if (lang.toLowerCase().startsWith('zh')) return 'zh-CN';
    if (lang.toLowerCase().startsWith('en')) return 'en';
  }
  return 'en';
}

export const usePreferencesStore = defineStore('preferences', () => {
  const storage = inject(CONSOLE_STORAGE, null) ?? memoryStorage();
  const saved = readJson<Partial<PersistedPreferences>>(storage, STORAGE_KEY);
  const browserLanguages = typeof navigator !== 'undefined' ? navigator.languages ?? [navigator.language] : [];

  const theme = ref<ThemeMode>(saved?.theme === 'dark' ? 'dark' : 'light');
  const locale = ref<SupportedLocale>(
    saved?.locale && SUPPORTED_LOCALES.includes(saved.locale) ? saved.locale : preferredLocale(browserLanguages),
  );

  watch([theme, locale], () => {
    storage.setItem(STORAGE_KEY, JSON.stringify({ theme: theme.value, locale: locale.value }));
  });

  function toggleTheme() {
    theme.value = theme.value === 'dark' ? 'light' : 'dark';
  }

  return { theme, locale, toggleTheme };
});
