import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { TenantOwned } from '../../../infrastructure/database/tenant';

/** The hash of a refresh token already exchanged: presenting it again betrays a theft. */
@Entity({ tableName: 'spent_refresh_tokens' })
@TenantOwned()
export class SpentRefreshToken {
  @PrimaryKey({ type: 'text' })
  tokenHash!: string;

  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'uuid' })
  sessionId!: string;

  @Property({ type: 'Date' })
  spentAt!: Date;

  static of(session: { id: string; organizationId: string }, tokenHash: string, now: Date): SpentRefreshToken {
    const spent = new SpentRefreshToken();
    spent.tokenHash = tokenHash;
    spent.organizationId = session.organizationId;
    spent.sessionId = session.id;
    spent.spentAt = now;
    return spent;
  }
}
