import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { TenantOwned } from '../../../infrastructure/database/tenant';
import { recordEvent } from '../../../shared/domain-event';

/** Why a grant ended: taken back by an operator, or ended with the Administrator role or the account. */
export type OperatorRevocationReason = 'revoked' | 'demoted' | 'deactivated' | 'removed';

/**
 * A user's standing as a platform operator (create organizations, rotate signing keys). It
 * lasts only while they are an active Administrator: demotion, deactivation and removal end
 * it in their own transaction.
 */
@Entity({ tableName: 'platform_operator_grants' })
@TenantOwned()
export class PlatformOperatorGrant {
  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'uuid' })
  organizationId!: string;

  /** Null for the bootstrap grant: nobody was there to give it. */
  @Property({ type: 'uuid', nullable: true })
  grantedBy!: string | null;

  @Property({ type: 'Date' })
  grantedAt!: Date;

  static grant(input: { organizationId: string; userId: string; grantedBy: string | null; now: Date; via: string }): PlatformOperatorGrant {
    const grant = new PlatformOperatorGrant();
    grant.userId = input.userId;
    grant.organizationId = input.organizationId;
    grant.grantedBy = input.grantedBy;
    grant.grantedAt = input.now;
    recordEvent(grant, {
      type: 'platform.operator_granted',
      organizationId: grant.organizationId,
      subject: { type: 'user', id: grant.userId },
      payload: { grantedBy: grant.grantedBy, via: input.via },
    });
    return grant;
  }
}
