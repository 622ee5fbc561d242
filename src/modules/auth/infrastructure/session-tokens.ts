import { Injectable } from '@nestjs/common';
import type { CommandContext } from '../../../infrastructure/event-store/unit-of-work';
import { Session, type AuthMethod } from '../domain/session.entity';
import { SpentRefreshToken } from '../domain/spent-refresh-token.entity';

interface PresentedRow {
  kind: 'session' | 'spent';
  id: string;
  organization_id: string;
  user_id: string | null;
  auth_method: AuthMethod | null;
  last_used_at: Date | null;
  expires_at: Date | null;
  spent_at: Date | null;
}

/**
 * What presenting a refresh token did in the caller's transaction: the live session it named,
 * as it was before (now rotated, until the transaction rolls back), or the record of the
 * session it was spent on (nothing written), or nothing.
 */
export type PresentedRefreshToken = { session: Session; spent?: never } | { spent: SpentRefreshToken; session?: never } | null;

/**
 * Session rows on the hot paths of sign-in and refresh: a new session and a refresh token's
 * spending are one statement each inside the command's transaction. The ORM's fork, identity
 * map and change sets cost more than the whole rotation (STACK.md: ≈ 720 µs a findOne); the
 * session entity still decides whether it has ended.
 */
@Injectable()
export class SessionTokens {
  /**
   * Writes a session that has just started, in the command's transaction: one INSERT prepared
   * on the transaction's connection, not the ORM's persist and flush nor knex's raw query
   * (their change set and query building cost more than the statement).
   */
  async insert(context: CommandContext, session: Session): Promise<void> {
    await context.statement(
      'sessions.insert',
      `insert into sessions (id, organization_id, user_id, auth_method, ip, user_agent, refresh_token_hash, created_at, last_used_at, expires_at, revoked_at, revoked_reason)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, null, null)`,
      [session.id, session.organizationId, session.userId, session.authMethod, session.ip, session.userAgent, session.refreshTokenHash, session.createdAt, session.lastUsedAt, session.expiresAt],
    );
  }

  /**
   * Spends `presented` and puts `next` in its place, in the caller's transaction, in one
   * statement that finds the session by the token, locks it, moves it on (last use, address)
   * and keeps the spent hash (to detect its reuse); or, for a token already spent, finds the
   * session it was spent on. The token is the only key the caller has: this crosses tenants by
   * a 256-bit secret's hash. The caller rolls back to leave the token unspent (a session that
   * has ended, a refusal). Two requests racing with one token queue on the row lock, and the
   * second, re-checking the hash after the first commits, finds nothing: a token is spendable
   * once. A revoked session has no hash: nothing is found.
   */
  async spend(context: CommandContext, presented: string, next: string, now: Date, ip: string | null): Promise<PresentedRefreshToken> {
    // a named statement prepared once per connection, its values parameters: every refresh runs it
    const rows = await context.rows<PresentedRow>(
      'sessions.spend_refresh_token',
      `with presented as (
         select id, organization_id, user_id, auth_method, last_used_at, expires_at
           from sessions where refresh_token_hash = $1 and revoked_at is null
            for update
       ), rotated as (
         update sessions s set refresh_token_hash = $2, last_used_at = $3, ip = coalesce($4, s.ip)
           from presented p where s.id = p.id
       ), spent as (
         insert into spent_refresh_tokens (token_hash, organization_id, session_id, spent_at)
         select $1, organization_id, id, $3 from presented
       )
       select 'session' as kind, id, organization_id, user_id, auth_method, last_used_at, expires_at, null::timestamptz as spent_at from presented
       union all
       select 'spent', session_id, organization_id, null, null, null, null, spent_at from spent_refresh_tokens where token_hash = $1`,
      [presented, next, now, ip],
    );
    const live = rows.find((row) => row.kind === 'session');
    if (live) {
      const session = Object.assign(new Session(), {
        id: live.id,
        organizationId: live.organization_id,
        userId: live.user_id!,
        authMethod: live.auth_method!,
        lastUsedAt: new Date(live.last_used_at!),
        expiresAt: new Date(live.expires_at!),
        revokedAt: null,
      });
      return { session };
    }
    const spent = rows[0];
    return spent ? { spent: SpentRefreshToken.of({ id: spent.id, organizationId: spent.organization_id }, presented, new Date(spent.spent_at!)) } : null;
  }
}
