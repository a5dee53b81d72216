// Refresh tokens: `<id>.<secret>`, 256 random bits of secret of which only a SHA-256 is stored
// (a slow hash adds nothing to a random secret). Each use rotates: the presented token is marked
// used and a new one of the same family issued. A used or revoked token presented again means a
// copy is in someone else's hands, so the whole family is revoked and both holders must sign in.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import './refresh-tokens-table.js';

export interface RefreshTokenSettings {
  /** lifetime of one token (default 7 days) */
  ttlSeconds: number;
  /** a family (one sign-in) ends after this however often it is refreshed (default 30 days) */
  familyTtlSeconds: number;
  now?: () => number;
}

export interface IssuedRefreshToken {
  token: string;
  familyId: string;
  expiresAt: string;
}

export type RotationResult =
  | { ok: true; userId: string; next: IssuedRefreshToken }
  | { ok: false; reason: 'malformed' | 'unknown' | 'expired' | 'revoked' | 'reused'; userId?: string; familyId?: string };

const TOKEN_PATTERN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export class RefreshTokenStore {
  private readonly now: () => number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly settings: RefreshTokenSettings,
  ) {
    this.now = settings.now ?? Date.now;
  }

  private iso(offsetSeconds = 0): string {
    return new Date(this.now() + offsetSeconds * 1000).toISOString();
  }

  /** A new token; without familyId it starts a new family (a sign-in). */
  async issue(userId: string, family?: { id: string; expiresAt: string }): Promise<IssuedRefreshToken> {
    return this.insertToken(this.db, userId, family);
  }

  private async insertToken(db: Kysely<Database>, userId: string, family?: { id: string; expiresAt: string }): Promise<IssuedRefreshToken> {
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const familyId = family?.id ?? randomUUID();
    const familyExpiresAt = family?.expiresAt ?? this.iso(this.settings.familyTtlSeconds);
    const own = this.iso(this.settings.ttlSeconds);
    const expiresAt = own < familyExpiresAt ? own : familyExpiresAt;
    await db
      .insertInto('refresh_tokens')
      .values({
        id,
        family_id: familyId,
        user_id: userId,
        token_hash: hashSecret(secret),
        created_at: this.iso(),
        expires_at: expiresAt,
        family_expires_at: familyExpiresAt,
        used_at: null,
        revoked_at: null,
        revoked_reason: null,
      })
      .execute();
    return { token: `${id}.${secret}`, familyId, expiresAt };
  }

  private async find(token: string) {
    const m = TOKEN_PATTERN.exec(token);
    if (!m) return { malformed: true as const };
    const row = await this.db.selectFrom('refresh_tokens').selectAll().where('id', '=', m[1]!).executeTakeFirst();
    if (!row || !sameHash(row.token_hash, hashSecret(m[2]!))) return { row: undefined };
    return { row };
  }

  /** Exchanges a token for the next one of its family, or says why not (revoking the family on reuse). */
  async rotate(token: string): Promise<RotationResult> {
    const found = await this.find(token);
    if ('malformed' in found) return { ok: false, reason: 'malformed' };
    const row = found.row;
    if (!row) return { ok: false, reason: 'unknown' };
    const who = { userId: row.user_id, familyId: row.family_id };
    if (row.used_at || row.revoked_at) {
      // Presenting a rotated token again: revoke whatever the family still has alive.
      await this.revokeFamilyOnReuse(row.id, row.family_id);
      return { ok: false, reason: row.used_at ? 'reused' : 'revoked', ...who };
    }
    if (row.expires_at <= this.iso()) return { ok: false, reason: 'expired', ...who };
    // Claim and successor in one transaction: the claim's row lock is held until the successor is
    // committed, which revokeFamilyOnReuse() waits for, so a concurrent reuse also revokes it.
    const next = await this.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('refresh_tokens')
        .set({ used_at: this.iso() })
        .where('id', '=', row.id)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return null;
      return this.insertToken(trx, row.user_id, { id: row.family_id, expiresAt: row.family_expires_at });
    });
    if (!next) {
      // Another request used it between our read and our write: the same token twice is reuse.
      await this.revokeFamilyOnReuse(row.id, row.family_id);
      return { ok: false, reason: 'reused', ...who };
    }
    return { ok: true, userId: row.user_id, next };
  }

  /**
   * Revokes the family of a token presented twice. Touching the presented row first waits for a
   * rotation of it still in flight (its transaction holds that row) to commit; the family update is
   * then a new statement that sees the successor that rotation issued, so no token escapes.
   */
  private async revokeFamilyOnReuse(tokenId: string, familyId: string): Promise<void> {
    await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: sql<string>`coalesce(revoked_at, ${this.iso()})`, revoked_reason: sql<string>`coalesce(revoked_reason, 'reuse')` })
      .where('id', '=', tokenId)
      .execute();
    await this.revokeFamily(familyId, 'reuse');
  }

  async revokeFamily(familyId: string, reason: string): Promise<void> {
    await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: this.iso(), revoked_reason: reason })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Logout: ends the sign-in the token belongs to. Returns its user, or null for an unknown token. */
  async revokeByToken(token: string, reason = 'logout'): Promise<{ userId: string } | null> {
    const found = await this.find(token);
    if ('malformed' in found || !found.row) return null;
    await this.revokeFamily(found.row.family_id, reason);
    return { userId: found.row.user_id };
  }

  /** Ends every sign-in of a user: password change, reset, disabling. */
  async revokeUser(userId: string, reason: string): Promise<void> {
    await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: this.iso(), revoked_reason: reason })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Deletes families that ended (kept until then so reuse of an old token is still detected). */
  async deleteExpired(): Promise<number> {
    const res = await this.db.deleteFrom('refresh_tokens').where('family_expires_at', '<=', this.iso()).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
