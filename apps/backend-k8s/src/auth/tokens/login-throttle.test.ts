import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

describe('login throttle', () => {
  it('locks a user name after repeated failures, doubling each lockout, and clears on success', () => {
    let now = 0;
    const t = new LoginThrottle({ maxFailuresPerUser: 3, baseLockoutMs: 60_000, now: () => now });
    for (let i = 0; i < 2; i++) t.recordFailure('Bob', '10.0.0.1');
    expect(t.check('bob', '10.0.0.2').allowed).toBe(true);
    t.recordFailure('bob', '10.0.0.3');
    // locked whatever the address and the case of the name
    expect(t.check('BOB', '10.9.9.9')).toEqual({ allowed: false, retryAfterSeconds: 60, limitedBy: 'user' });
    expect(t.check('alice', '10.0.0.1').allowed).toBe(true);
    now += 60_001;
    expect(t.check('bob', '10.0.0.1').allowed).toBe(true);
    for (let i = 0; i < 3; i++) t.recordFailure('bob', '10.0.0.1');
    expect(t.check('bob', '10.0.0.1').retryAfterSeconds).toBe(120);
    now += 120_001;
    t.recordSuccess('bob');
    t.recordFailure('bob', '10.0.0.1');
    expect(t.check('bob', '10.0.0.1').allowed).toBe(true);
  });

  it('locks an address that tries many user names', () => {
    const t = new LoginThrottle({ maxFailuresPerAddress: 5, now: () => 0 });
    for (let i = 0; i < 5; i++) t.recordFailure(`user${i}`, '192.0.2.7');
    expect(t.check('someone-new', '192.0.2.7')).toMatchObject({ allowed: false, limitedBy: 'address' });
    expect(t.check('someone-new', '192.0.2.8').allowed).toBe(true);
  });

  it('forgets failures older than the window', () => {
    let now = 0;
    const t = new LoginThrottle({ maxFailuresPerUser: 2, windowMs: 1000, now: () => now });
    t.recordFailure('carol', 'a');
    now = 5000;
    t.recordFailure('carol', 'a');
    expect(t.check('carol', 'a').allowed).toBe(true);
  });
});
