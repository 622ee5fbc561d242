import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { TenantOwned } from '../../../infrastructure/database/tenant';
import { recordEvent } from '../../../shared/domain-event';

export type AuthMethod = 'password' | 'invitation' | 'sso' | 'api_key';

export const SESSION_LIFETIME_MS = 30 * 86_400_000;

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
    method: AuthMethod;
    ip: string | null;
    userAgent: string | null;
    refreshTokenHash: string;
    now: Date;
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
      expiresAt: new Date(input.now.getTime() + SESSION_LIFETIME_MS),
      revokedAt: null,
      revokedReason: null,
    });
    recordEvent(session, {
      type: 'auth.login_succeeded',
      organizationId: input.organizationId,
      subject: { type: 'user', id: input.userId },
      payload: { method: input.method, sessionId: input.id },
    });
    return session;
  }
}
