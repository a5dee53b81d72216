import { describe, expect, it } from 'vitest';
import { namespaceOptions } from './namespace-names';

const values = (o: Array<{ value: string }>) => o.map((x) => x.value);

describe('namespaceOptions', () => {
  it("offers the cluster's namespaces", () => {
    expect(values(namespaceOptions(['default', 'shop'], '', ''))).toEqual(['default', 'shop']);
  });

  it('offers what is typed when the namespaces could not be listed (no right to list them)', () => {
    expect(values(namespaceOptions([], 'team-a', ''))).toEqual(['team-a']);
    expect(values(namespaceOptions([], '  team-a ', 'team-b'))).toEqual(['team-b', 'team-a']);
    // after the listed ones, so Enter on a partly typed name picks the namespace it matches
    expect(values(namespaceOptions(['shop'], 'sh', 'shop'))).toEqual(['shop', 'sh']);
    expect(values(namespaceOptions(['shop'], 'shop', 'shop'))).toEqual(['shop']);
  });
});
