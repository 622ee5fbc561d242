import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { TenantOwned } from '../../../infrastructure/database/tenant';

/** A former password's hash, kept so the policy can refuse its reuse. */
@Entity({ tableName: 'password_history' })
@TenantOwned()
export class PasswordHistoryEntry {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'text' })
  passwordHash!: string;

  @Property({ type: 'Date' })
  createdAt!: Date;

  static of(input: { id: string; organizationId: string; userId: string; passwordHash: string; now: Date }): PasswordHistoryEntry {
    const entry = new PasswordHistoryEntry();
    Object.assign(entry, { id: input.id, organizationId: input.organizationId, userId: input.userId, passwordHash: input.passwordHash, createdAt: input.now });
    return entry;
  }
}
