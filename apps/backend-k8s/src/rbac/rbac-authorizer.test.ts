import { describe, expect, it } from 'vitest';
import type { Subject } from './authorizer.js';
import { builtInRole } from './built-in-roles.js';
import { RbacAuthorizer, type EffectiveRules } from './rbac-authorizer.js';

const bob: Subject = { userId: 'u-bob', username: 'bob', groups: ['devs'] };
const deletePod = { clusterId: 'demo', verb: 'delete', apiGroup: '', resource: 'pods', namespace: 'shop', name: 'p' };

/** A bindings table in memory: role names per user and per group. */
function memorySource(bindings: { users: Record<string, string[]>; groups: Record<string, string[]> }) {
  let calls = 0;
  const source = async (s: Subject): Promise<EffectiveRules> => {
    calls += 1;
    const roles = [...(bindings.users[s.username] ?? []), ...s.groups.flatMap((g) => bindings.groups[g] ?? [])];
    return { roles, rules: roles.flatMap((r) => builtInRole(r as 'admin' | 'operator' | 'viewer').rules) };
  };
  return { source, calls: () => calls };
}

describe('RbacAuthorizer', () => {
  it('allows through a group binding and names the missing permission otherwise', async () => {
    const bindings = { users: {}, groups: { devs: ['viewer'] } as Record<string, string[]> };
    const authz = new RbacAuthorizer({ source: memorySource(bindings).source });
    expect(await authz.authorizeResource(bob, { ...deletePod, verb: 'get' })).toEqual({ allowed: true });
    expect(await authz.authorizeResource(bob, deletePod)).toEqual({
      allowed: false,
      reason: 'user "bob" cannot delete pods "p" in namespace "shop" of cluster "demo"',
    });
    expect(await authz.authorizeNonResource(bob, { clusterId: 'demo', verb: 'get', path: '/version' })).toEqual({ allowed: true });
    const denied = await authz.authorizeNonResource(bob, { clusterId: 'demo', verb: 'get', path: '/metrics' });
    expect(denied).toEqual({ allowed: false, reason: 'user "bob" cannot get path "/metrics" of cluster "demo"' });
  });

  it('a subject with no bindings is denied everything', async () => {
    const authz = new RbacAuthorizer({ source: memorySource({ users: {}, groups: {} }).source });
    expect((await authz.authorizeResource(bob, { ...deletePod, verb: 'list' })).allowed).toBe(false);
  });

  it('caches per subject until invalidated or expired', async () => {
    const bindings = { users: {} as Record<string, string[]>, groups: {} as Record<string, string[]> };
    const mem = memorySource(bindings);
    let now = 1000;
    const authz = new RbacAuthorizer({ source: mem.source, ttlMs: 5000, now: () => now });
    expect((await authz.authorizeResource(bob, deletePod)).allowed).toBe(false);
    bindings.users.bob = ['operator'];
    expect((await authz.authorizeResource(bob, deletePod)).allowed).toBe(false); // cached
    expect(mem.calls()).toBe(1);
    authz.invalidate();
    expect((await authz.authorizeResource(bob, deletePod)).allowed).toBe(true);
    expect(mem.calls()).toBe(2);
    bindings.users.bob = [];
    now += 5001; // a sibling replica's change shows up after the TTL
    expect((await authz.authorizeResource(bob, deletePod)).allowed).toBe(false);
    expect(mem.calls()).toBe(3);
  });

  it('keys the cache by groups too', async () => {
    const mem = memorySource({ users: {}, groups: { ops: ['operator'] } });
    const authz = new RbacAuthorizer({ source: mem.source });
    expect((await authz.authorizeResource(bob, deletePod)).allowed).toBe(false);
    expect((await authz.authorizeResource({ ...bob, groups: ['ops'] }, deletePod)).allowed).toBe(true);
  });

  it('does not keep a load that raced with a change, nor a failed one', async () => {
    let release: (v: EffectiveRules) => void = () => {};
    let calls = 0;
    const authz = new RbacAuthorizer({
      source: () => {
        calls += 1;
        if (calls === 1) return new Promise<EffectiveRules>((r) => (release = r));
        if (calls === 2) return Promise.reject(new Error('database down'));
        return Promise.resolve({ roles: ['admin'], rules: builtInRole('admin').rules });
      },
    });
    const first = authz.authorizeResource(bob, deletePod);
    authz.invalidate();
    release({ roles: [], rules: [] });
    expect((await first).allowed).toBe(false);
    await expect(authz.authorizeResource(bob, deletePod)).rejects.toThrow('database down');
    expect((await authz.authorizeResource(bob, deletePod)).allowed).toBe(true);
    expect(calls).toBe(3);
  });

  it('decides now only from loaded, fresh rules, the same way, reporting no denial', async () => {
    const bindings = { users: { bob: ['viewer'] } as Record<string, string[]>, groups: {} as Record<string, string[]> };
    let now = 1000;
    const denials: string[] = [];
    const authz = new RbacAuthorizer({ source: memorySource(bindings).source, ttlMs: 5000, now: () => now, onDenied: (_s, _a, reason) => void denials.push(reason) });
    const getPod = { ...deletePod, verb: 'get' };
    expect(authz.authorizeResourceNow(bob, getPod)).toBeUndefined(); // nothing loaded yet
    const loading = authz.authorizeResource(bob, getPod);
    expect(authz.authorizeResourceNow(bob, getPod)).toBeUndefined(); // still loading
    expect(await loading).toEqual({ allowed: true });
    expect(authz.authorizeResourceNow(bob, getPod)).toEqual({ allowed: true });
    expect(authz.authorizeResourceNow(bob, deletePod)).toEqual(await authz.authorizeResource(bob, deletePod, { quiet: true }));
    expect(authz.authorizeNonResourceNow(bob, { clusterId: 'demo', verb: 'get', path: '/metrics' })).toMatchObject({ allowed: false });
    expect(denials).toEqual([]);
    // a change on this replica, or the TTL for a sibling's: nothing to decide from until reloaded
    authz.invalidate();
    expect(authz.authorizeResourceNow(bob, getPod)).toBeUndefined();
    await authz.authorizeResource(bob, getPod);
    now += 5001;
    expect(authz.authorizeResourceNow(bob, getPod)).toBeUndefined();
  });
});
