import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { TenantOwned } from '../../../infrastructure/database/tenant';

/** One single-use recovery code, stored as a hash. */
@Entity({ tableName: 'recovery_codes' })
@TenantOwned()
export class RecoveryCode {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'text' })
  codeHash!: string;

  @Property({ type: 'Date', nullable: true })
  usedAt!: Date | null;

  static of(input: { id: string; organizationId: string; userId: string; codeHash: string }): RecoveryCode {
    const code = new RecoveryCode();
    Object.assign(code, { ...input, usedAt: null });
    return code;
  }
}
