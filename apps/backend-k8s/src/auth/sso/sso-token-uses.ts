// One exchange per host token that names itself (`jti`), across every replica: the first exchange
// records the token until it expires, a second finds it there. Rows are keyed by a hash of the
// issuer and the jti, so the table holds nothing a host would consider an identifier of its own.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export interface SsoTokenUsesTable {
  /** hex SHA-256 of `<iss> <jti>` */
  token_id: string;
  /** when the token expires (ISO): the row can go after that */
  expires_at: string;
}

declare module '../../db/schema.js' {
  interface Database {
    sso_token_uses: SsoTokenUsesTable;
  }
}

export class SsoTokenUses {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records the token's use; false when it was used before. */
  async claim(issuer: string, jti: string, expiresAt: Date): Promise<boolean> {
    const tokenId = createHash('sha256').update(`${issuer} ${jti}`).digest('hex');
    await this.db.deleteFrom('sso_token_uses').where('expires_at', '<', new Date(this.now()).toISOString()).execute();
    try {
      await this.db.insertInto('sso_token_uses').values({ token_id: tokenId, expires_at: expiresAt.toISOString() }).execute();
      return true;
    } catch (err) {
      // the primary key refused it: used before (on this replica or another); anything else is a failure
      const used = await this.db.selectFrom('sso_token_uses').select('token_id').where('token_id', '=', tokenId).executeTakeFirst();
      if (used) return false;
      throw err;
    }
  }
}
