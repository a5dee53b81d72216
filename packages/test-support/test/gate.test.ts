import { afterEach, describe, expect, it } from 'vitest';
import { serviceGate } from '../src/gate.js';

describe('serviceGate', () => {
  const saved = process.env.REQUIRE_SERVICES;
  afterEach(() => {
    if (saved === undefined) delete process.env.REQUIRE_SERVICES;
    else process.env.REQUIRE_SERVICES = saved;
  });

  it('opens when the service was found', () => {
    expect(serviceGate('x', '/usr/bin/x', 'n/a').available).toBe(true);
  });

  it('skips with a reason on a developer machine', () => {
    delete process.env.REQUIRE_SERVICES;
    const gate = serviceGate('x', null, 'install x');
    expect(gate).toEqual({ available: false, reason: 'x is not available: install x' });
  });

  it('fails instead of skipping when CI requires services', () => {
    process.env.REQUIRE_SERVICES = '1';
    expect(() => serviceGate('x', null, 'install x')).toThrow(/REQUIRE_SERVICES=1/);
  });
});
