import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { TenantOwned } from '../../../infrastructure/database/tenant';
import { recordEvent, type DomainEvent } from '../../../shared/domain-event';

/**
 * `sso`: the organization's IdP vouched for the user; `sso_mfa`: and its AuthnContext showed
 * a second factor the connection accepts as one.
 */
export type AuthMethod = 'password' | 'password_mfa' | 'invitation' | 'sso' | 'sso_mfa' | 'api_key';

export type SessionEndReason =
  | 'logout'
  | 'revoked_by_user'
  | 'revoked_by_admin'
  | 'refresh_token_reused'
  | 'password_changed'
  | 'user_deactivated'
  | 'user_removed'
  | 'mfa_required'
  | 'expired';

/**
 * A signed-in device. Access tokens carry its id (`sid`); the refresh token that keeps it
 * going is stored as a hash and rotated on use.
 */
@Entity({ tableName: 'sessions' })
@TenantOwned()
export class Session {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'text' })
  authMethod!: AuthMethod;

  @Property({ type: 'text', nullable: true })
  ip!: string | null;

  @Property({ type: 'text', nullable: true })
  userAgent!: string | null;

  @Property({ type: 'text', nullable: true })
  refreshTokenHash!: string | null;

  @Property({ type: 'Date' })
  createdAt!: Date;

  @Property({ type: 'Date' })
  lastUsedAt!: Date;

  @Property({ type: 'Date' })
  expiresAt!: Date;

  @Property({ type: 'Date', nullable: true })
  revokedAt!: Date | null;

  @Property({ type: 'text', nullable: true })
  revokedReason!: string | null;

  static start(input: {
    id: string;
    organizationId: string;
    userId: string;
    /** The user's role as the session starts (its tokens' claim), recorded with the sign-in. */
    role: string;
    method: AuthMethod;
    ip: string | null;
    userAgent: string | null;
    refreshTokenHash: string;
    now: Date;
    maxLifetimeMinutes: number;
    /** Extra facts for login history (say, the SAML connection). */
    details?: Record<string, unknown>;
  }): Session {
    const session = new Session();
    Object.assign(session, {
      id: input.id,
      organizationId: input.organizationId,
      userId: input.userId,
      authMethod: input.method,
      ip: input.ip,
      userAgent: input.userAgent,
      refreshTokenHash: input.refreshTokenHash,
      createdAt: input.now,
      lastUsedAt: input.now,
      expiresAt: new Date(input.now.getTime() + input.maxLifetimeMinutes * 60_000),
      revokedAt: null,
      revokedReason: null,
    });
    recordEvent(session, {
      type: 'auth.login_succeeded',
      organizationId: input.organizationId,
      subject: { type: 'user', id: input.userId },
      payload: { method: input.method, sessionId: input.id, role: input.role, ...input.details },
    });
    return session;
  }

  /**
   * Whether a second factor was proved when the session started: a local MFA step, or an IdP
   * whose AuthnContext showed one. A plain SSO sign-in is one factor as far as policy goes.
   */
  get provedSecondFactor(): boolean {
    return this.authMethod === 'password_mfa' || this.authMethod === 'sso_mfa';
  }

  /** Why the session can no longer be used at `now`, or null while it can. */
  endedReason(now: Date, idleTimeoutMinutes: number): 'revoked' | 'expired' | 'idle' | null {
    if (this.revokedAt) return 'revoked';
    if (this.expiresAt <= now) return 'expired';
    if (this.lastUsedAt.getTime() + idleTimeoutMinutes * 60_000 <= now.getTime()) return 'idle';
    return null;
  }

  /**
   * The event of a refresh token swapped for a new one (the session moves on, its last use and
   * address with it; the spent hash is kept to detect its reuse). The swap itself is one
   * statement (SessionTokens.rotate), so this is recorded by the command, not on an entity.
   */
  static rotated(session: { id: string; organizationId: string; userId: string }): DomainEvent {
    return {
      type: 'auth.token_refreshed',
      organizationId: session.organizationId,
      subject: { type: 'user', id: session.userId },
      payload: { sessionId: session.id },
    };
  }

  revoke(reason: SessionEndReason, now: Date): void {
    if (this.revokedAt) return;
    this.revokedAt = now;
    this.revokedReason = reason;
    this.refreshTokenHash = null;
    recordEvent(this, {
      type: 'session.revoked',
      organizationId: this.organizationId,
      subject: { type: 'user', id: this.userId },
      payload: { sessionId: this.id, reason },
    });
  }
}
