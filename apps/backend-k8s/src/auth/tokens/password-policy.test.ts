import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-policy.js';

describe('password policy', () => {
  it.each([
    ['short1!', /at least 10/],
    ['aaaaaaaaaaaa', /4 different/],
    ['abababababab', /4 different/],
    ['Password123', /most common/],
    ['bob-the-builder-2026', /user name/],
  ])('refuses %s', (pw, why) => {
    expect(passwordProblem(pw, 'builder')).toMatch(why);
  });

  it('accepts a long passphrase and a random password', () => {
    expect(passwordProblem('correct horse battery staple', 'bob')).toBeNull();
    expect(passwordProblem('x7#Kq9!vTz', 'bob')).toBeNull();
  });
});
