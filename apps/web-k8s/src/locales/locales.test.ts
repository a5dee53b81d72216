import { describe, expect, it } from 'vitest';
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
});
