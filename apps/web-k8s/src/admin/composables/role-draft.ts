// What the role drawer shows: a new role (maybe copied from one), an existing role, or nothing.
import type { Role } from '@k8s-console/contracts';

export type RoleDraft = { mode: 'create'; from?: Role } | { mode: 'edit'; role: Role } | null;
