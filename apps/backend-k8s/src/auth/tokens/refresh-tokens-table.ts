// Table shape of refresh tokens (migration 0101), added to the foundation's Database type.

export interface RefreshTokensTable {
  id: string;
  family_id: string;
  user_id: string;
  /** hex SHA-256 of the token's secret part */
  token_hash: string;
  created_at: string;
  expires_at: string;
  /** a family ends at this time however often it is refreshed */
  family_expires_at: string;
  /** set when the token was exchanged for a new one */
  used_at: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
}

declare module '../../db/schema.js' {
  interface Database {
    refresh_tokens: RefreshTokensTable;
  }
}
