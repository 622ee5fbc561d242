import { BigIntType, Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { TenantOwned } from '../../../infrastructure/database/tenant';
import { recordEvent, type DomainEventOf } from '../../../shared/domain-event';
import type { EventPayload } from '../../../shared/event-catalogue';

/** A user's TOTP factor: the secret is sealed at rest, bound to the user's id. */
@Entity({ tableName: 'user_mfa' })
@TenantOwned()
export class UserMfa {
  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'text' })
  totpSecretSealed!: string;

  @Property({ type: 'Date', nullable: true })
  confirmedAt!: Date | null;

  /** The last time step accepted: no code is accepted twice. */
  @Property({ type: new BigIntType('number'), nullable: true })
  lastUsedStep!: number | null;

  @Property({ type: 'Date' })
  createdAt!: Date;

  static begin(input: { userId: string; organizationId: string; sealedSecret: string; now: Date }): UserMfa {
    const mfa = new UserMfa();
    Object.assign(mfa, {
      userId: input.userId,
      organizationId: input.organizationId,
      totpSecretSealed: input.sealedSecret,
      confirmedAt: null,
      lastUsedStep: null,
      createdAt: input.now,
    });
    mfa.record('mfa.enrollment_started', {});
    return mfa;
  }

  get enabled(): boolean {
    return this.confirmedAt !== null;
  }

  restart(sealedSecret: string, now: Date): void {
    this.totpSecretSealed = sealedSecret;
    this.createdAt = now;
    this.lastUsedStep = null;
    this.record('mfa.enrollment_started', {});
  }

  confirm(step: number, now: Date): void {
    this.confirmedAt = now;
    this.lastUsedStep = step;
    this.record('mfa.enabled', { method: 'totp' });
  }

  /** A code was accepted at `step` (sign-in or a sensitive change): remembered so it is not replayed. */
  useStep(step: number): void {
    this.lastUsedStep = step;
  }

  private record<T extends 'mfa.enrollment_started' | 'mfa.enabled'>(type: T, payload: EventPayload<T>): void {
    recordEvent(this, { type, organizationId: this.organizationId, subject: { type: 'user', id: this.userId }, payload } as DomainEventOf<T>);
  }
}
