import { describe, expect, it } from 'vitest';
import { createConsoleI18n } from '#/modules/i18n';
import { messages } from './index';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('locales', () => {
  it('Simplified Chinese has exactly the English keys, none empty', () => {
    expect(keys(messages['zh-CN']).sort()).toEqual(keys(messages.en).sort());
    for (const locale of Object.values(messages)) {
      for (const key of keys(locale)) {
        const value = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], locale);
        expect(value, key).not.toBe('');
      }
    }
  });

  it('counts rows in the plural form the number needs', () => {
    const { t } = createConsoleI18n('en').global;
    expect([0, 1, 2].map((count) => t('resources.items', { count }, count))).toEqual(['0 items', '1 item', '2 items']);
    expect(createConsoleI18n('zh-CN').global.t('resources.items', { count: 1 }, 1)).toBe('共 1 项');
  });
});
