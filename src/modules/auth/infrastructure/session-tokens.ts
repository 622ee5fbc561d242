import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { HotReads } from '../../../infrastructure/database/hot-reads';
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
  revoked_at: Date | null;
  spent_at: Date | null;
}

/** What a presented refresh token names: the live session it keeps going, or the one it was spent on. */
export type PresentedRefreshToken = { session: Session; spent?: never } | { spent: SpentRefreshToken; session?: never } | null;

/**
 * Session rows on the hot paths of sign-in and refresh: the lookup of a presented refresh
 * token is one prepared statement on the pool (the session the token keeps going, or the
 * spent token's record, in one round trip); a new session and a rotation are one statement
 * each inside the command's transaction. The ORM's
 * fork, identity map and change sets cost more than the whole rotation (STACK.md: ≈ 720 µs a
 * findOne); the session entity still decides whether it has ended.
 */
@Injectable()
export class SessionTokens {
  constructor(private readonly hot: HotReads) {}

  /** The token is the only key the caller has: this read crosses tenants by a 256-bit secret's hash. */
  async presented(hash: string): Promise<PresentedRefreshToken> {
    const rows = await this.hot.rows<PresentedRow>(
      'sessions.by_refresh_token',
      `select 'session' as kind, id, organization_id, user_id, auth_method, last_used_at, expires_at, revoked_at, null::timestamptz as spent_at
         from sessions where refresh_token_hash = $1
       union all
       select 'spent', session_id, organization_id, null, null, null, null, null, spent_at
         from spent_refresh_tokens where token_hash = $1`,
      [hash],
    );
    const live = rows.find((row) => row.kind === 'session');
    if (live) {
      const session = Object.assign(new Session(), {
        id: live.id,
        organizationId: live.organization_id,
        userId: live.user_id!,
        authMethod: live.auth_method!,
        lastUsedAt: live.last_used_at!,
        expiresAt: live.expires_at!,
        revokedAt: live.revoked_at,
      });
      return { session };
    }
    const spent = rows[0];
    return spent ? { spent: SpentRefreshToken.of({ id: spent.id, organizationId: spent.organization_id }, hash, spent.spent_at!) } : null;
  }

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
   * Spends `presented` and puts `next` in its place, in the caller's transaction: one statement
   * that moves the session on and keeps the spent hash (to detect its reuse). The UPDATE's
   * condition on the current hash makes a token spendable once: two requests racing with it
   * queue on the row lock, and the second, re-checking the condition after the first commits,
   * finds the hash changed and rotates nothing. A revoked session has no hash: nothing rotates.
   * Answers whether the token was spent here.
   */
  async rotate(tx: EntityManager, session: { id: string; organizationId: string }, presented: string, next: string, now: Date, ip: string | null): Promise<boolean> {
    if (!tx.isInTransaction()) throw new Error('a refresh token is rotated inside the command transaction');
    const rows = await tx.getConnection().execute<{ rotated: number }[]>(
      `with rotated as (
         update sessions set refresh_token_hash = ?, last_used_at = ?, ip = coalesce(?, ip)
          where id = ? and organization_id = ? and refresh_token_hash = ? and revoked_at is null
          returning id, organization_id
       ), spent as (
         insert into spent_refresh_tokens (token_hash, organization_id, session_id, spent_at)
         select ?, organization_id, id, ? from rotated
       )
       select count(*)::int as rotated from rotated`,
      [next, now, ip, session.id, session.organizationId, presented, presented, now],
      'all',
      tx.getTransactionContext(),
    );
    return rows[0]?.rotated === 1;
  }
}
