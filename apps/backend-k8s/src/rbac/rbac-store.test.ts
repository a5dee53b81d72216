import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStores } from '../../test/test-stores.js';
import type { Store } from '../db/database.js';
import { CONSOLE_API_GROUP } from './rules.js';
import { RbacStore } from './rbac-store.js';
import './rbac-tables.js';

const stores = await testStores();

async function addUser(store: Store, username: string, groups: string[] = [], disabled = 0): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString();
  await store.db
    .insertInto('users')
    .values({ id, username, password_hash: 'x', groups: JSON.stringify(groups), disabled, created_at: now, updated_at: now })
    .execute();
  return id;
}

describe.each(stores.variants)('RbacStore on $name', ({ name, available }) => {
  let store: Store;
  let opened: Awaited<ReturnType<typeof stores.open>>;
  let changes = 0;
  let rbac: RbacStore;

  beforeAll(async () => {
    if (!available) return;
    opened = await stores.open(name, 'rbac-store');
    store = opened.store;
    rbac = new RbacStore(store.db, () => (changes += 1));
    await rbac.ensureBuiltInRoles();
    await rbac.ensureBuiltInRoles(); // idempotent
  });
  afterAll(async () => {
    if (!available) return;
    await opened.close();
  });

  it.runIf(available)('seeds the three built-in roles once, read-only', async () => {
    const roles = await rbac.listRoles();
    expect(roles.filter((r) => r.builtIn).map((r) => r.name)).toEqual(['admin', 'operator', 'viewer']);
    const admin = roles.find((r) => r.name === 'admin')!;
    await expect(rbac.updateRole(admin.id, { description: 'x' })).rejects.toMatchObject({ statusCode: 403, code: 'BUILT_IN_ROLE' });
    await expect(rbac.deleteRole(admin.id)).rejects.toMatchObject({ statusCode: 403 });
  });

  it.runIf(available)('resolves rules through user and group bindings, from the users table', async () => {
    const aliceId = await addUser(store, 'alice', ['shop-team']);
    const shop = await rbac.createRole({
      name: 'shop-deployer',
      rules: [{ verbs: ['*'], apiGroups: ['apps'], resources: ['deployments'], namespaces: ['shop'] }],
    });
    const before = changes;
    await rbac.createBinding({ roleId: shop.id, subjectKind: 'group', subjectName: 'shop-team' });
    await rbac.ensureBinding('viewer', 'user', 'alice');
    expect(changes).toBeGreaterThan(before);
    // the token's groups do not matter: the database says alice is in shop-team
    const eff = await rbac.rulesForSubject({ userId: aliceId, username: 'alice', groups: [] });
    expect(eff.roles).toEqual(['shop-deployer', 'viewer']);
    expect(eff.rules).toContainEqual(shop.rules[0]);

    await store.db.updateTable('users').set({ disabled: 1 }).where('id', '=', aliceId).execute();
    expect(await rbac.rulesForSubject({ userId: aliceId, username: 'alice', groups: ['shop-team'] })).toEqual({ roles: [], rules: [] });
    expect(await rbac.rulesForSubject({ userId: 'nobody', username: 'alice', groups: [] })).toEqual({ roles: [], rules: [] });
  });

  it.runIf(available)('refuses duplicate roles and bindings, and rules that mean nothing', async () => {
    const r = await rbac.createRole({ name: 'dup', rules: [] });
    await expect(rbac.createRole({ name: 'dup', rules: [] })).rejects.toMatchObject({ statusCode: 409, field: 'name' });
    await rbac.createBinding({ roleId: r.id, subjectKind: 'user', subjectName: 'x' });
    await expect(rbac.createBinding({ roleId: r.id, subjectKind: 'user', subjectName: 'x' })).rejects.toMatchObject({ statusCode: 409 });
    await expect(rbac.createBinding({ roleId: randomUUID(), subjectKind: 'user', subjectName: 'x' })).rejects.toMatchObject({ statusCode: 400, field: 'roleId' });
    await expect(rbac.createRole({ name: 'bad', rules: [{ verbs: ['get'], resources: ['pods'] }] })).rejects.toMatchObject({
      statusCode: 400,
      field: 'rules.0.apiGroups',
    });
  });

  it.runIf(available)('updates a role and deletes it with its bindings', async () => {
    const r = await rbac.createRole({ name: 'auditor', rules: [] });
    const updated = await rbac.updateRole(r.id, { rules: [{ verbs: ['list'], apiGroups: [CONSOLE_API_GROUP], resources: ['audit'] }] });
    expect(updated.rules).toHaveLength(1);
    const b = await rbac.createBinding({ roleId: r.id, subjectKind: 'user', subjectName: 'carol' });
    expect((await rbac.getBinding(b.id)).roleName).toBe('auditor');
    await rbac.deleteRole(r.id);
    expect(await rbac.listBindings({ roleId: r.id })).toEqual([]);
    await expect(rbac.getRole(r.id)).rejects.toMatchObject({ statusCode: 404 });
  });
});
