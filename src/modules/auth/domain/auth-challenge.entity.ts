import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { TenantOwned } from '../../../infrastructure/database/tenant';

export type ChallengePurpose = 'mfa_verify' | 'mfa_enroll' | 'password_reset';

/**
 * A short-lived, single-use step of a sign-in (the MFA step after the password, or the
 * forced enrolment) or of a password reset. Only the token's SHA-256 is stored. A new
 * password or an MFA reset ends every open challenge of the user (Challenges.endAll).
 */
@Entity({ tableName: 'auth_challenges' })
@TenantOwned()
export class AuthChallenge {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'text' })
  purpose!: ChallengePurpose;

  @Property({ type: 'text' })
  tokenHash!: string;

  @Property({ type: 'Date' })
  expiresAt!: Date;

  @Property({ type: 'Date', nullable: true })
  usedAt!: Date | null;

  @Property({ type: 'Date' })
  createdAt!: Date;

  @Property({ type: 'integer' })
  failedAttempts: number & Opt = 0;

  /** The SAML connection whose sign-in this MFA step continues; null after a password. */
  @Property({ type: 'uuid', nullable: true })
  ssoConnectionId: string | null = null;

  static issue(input: { id: string; organizationId: string; userId: string; purpose: ChallengePurpose; tokenHash: string; now: Date; ttlSeconds: number; ssoConnectionId?: string | null }): AuthChallenge {
    const challenge = new AuthChallenge();
    Object.assign(challenge, {
      id: input.id,
      organizationId: input.organizationId,
      userId: input.userId,
      purpose: input.purpose,
      tokenHash: input.tokenHash,
      createdAt: input.now,
      expiresAt: new Date(input.now.getTime() + input.ttlSeconds * 1000),
      usedAt: null,
      failedAttempts: 0,
      ssoConnectionId: input.ssoConnectionId ?? null,
    });
    return challenge;
  }

  usable(now: Date): boolean {
    return this.usedAt === null && this.expiresAt > now;
  }

  use(now: Date): void {
    this.usedAt = now;
  }

  /** A wrong answer to this step; the `maxAttempts`-th ends it, whatever comes after. */
  fail(now: Date, maxAttempts: number): void {
    this.failedAttempts += 1;
    if (this.failedAttempts >= maxAttempts) this.usedAt = now;
  }
}
