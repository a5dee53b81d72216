// The first start creates an admin: ADMIN_USERNAME/ADMIN_PASSWORD, or a generated password shown
// once on stdout (never through the logger, whose lines are shipped and kept). Later starts leave
// users alone, so a changed ADMIN_PASSWORD does not silently reset anyone's password.
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { hashPassword } from './password-hash.js';
import type { UserStore } from './user-store.js';

/** Group the bootstrap admin belongs to; console RBAC binds the built-in admin role to it. */
export const ADMIN_GROUP = 'console-admins';

export async function bootstrapAdmin(
  users: UserStore,
  options: { username: string; password?: string },
  log: FastifyBaseLogger,
  announce: (text: string) => void = (text) => process.stdout.write(text),
): Promise<void> {
  if ((await users.count()) > 0) return;
  const password = options.password ?? randomBytes(18).toString('base64url');
  try {
    await users.create({ username: options.username, passwordHash: await hashPassword(password), groups: [ADMIN_GROUP] });
  } catch (err) {
    // A sibling replica created it at the same moment.
    if (await users.findByUsername(options.username)) return;
    throw err;
  }
  log.warn({ username: options.username }, 'created the bootstrap admin user');
  if (!options.password) {
    announce(
      `\n  K8s Console: created admin user "${options.username}" with password: ${password}\n` +
        '  It is shown only this once. Sign in and keep it, or set ADMIN_PASSWORD before the first start.\n\n',
    );
  }
}
