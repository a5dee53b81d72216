// The console's languages. Every user-visible string goes through vue-i18n with these messages.
import en from './en';
import zhCN from './zh-CN';

export const SUPPORTED_LOCALES = ['en', 'zh-CN'] as const;
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];

type Widen<T> = { -readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type MessageSchema = Widen<typeof en>;

export const messages: Record<SupportedLocale, MessageSchema> = { en, 'zh-CN': zhCN };

export const LOCALE_LABELS: Record<SupportedLocale, string> = { en: 'English', 'zh-CN': '简体中文' };
