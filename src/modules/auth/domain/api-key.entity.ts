import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { TenantOwned } from '../../../infrastructure/database/tenant';
import { DomainError } from '../../../shared/domain-error';
import { recordEvent } from '../../../shared/domain-event';

export const API_KEY_PREFIX = 'ghk_';

/** A personal API key: shown once, stored as a SHA-256, limited to its scopes and its owner's rights. */
@Entity({ tableName: 'api_keys' })
@TenantOwned()
export class ApiKey {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'text' })
  name!: string;

  /** The first characters of the key, so its owner can tell keys apart. */
  @Property({ type: 'text' })
  prefix!: string;

  @Property({ type: 'text' })
  keyHash!: string;

  @Property({ type: 'json' })
  scopes!: string[];

  @Property({ type: 'Date' })
  expiresAt!: Date;

  @Property({ type: 'Date' })
  createdAt!: Date;

  @Property({ type: 'Date', nullable: true })
  revokedAt!: Date | null;

  static create(input: {
    id: string;
    organizationId: string;
    userId: string;
    name: string;
    key: string;
    keyHash: string;
    scopes: string[];
    expiresAt: Date;
    now: Date;
  }): ApiKey {
    const key = new ApiKey();
    Object.assign(key, {
      id: input.id,
      organizationId: input.organizationId,
      userId: input.userId,
      name: input.name.trim(),
      prefix: input.key.slice(0, API_KEY_PREFIX.length + 6),
      keyHash: input.keyHash,
      scopes: [...input.scopes].sort(),
      expiresAt: input.expiresAt,
      createdAt: input.now,
      revokedAt: null,
    });
    recordEvent(key, {
      type: 'api_key.created',
      organizationId: input.organizationId,
      subject: { type: 'user', id: input.userId },
      payload: { apiKeyId: input.id, name: key.name, scopes: key.scopes, expiresAt: input.expiresAt.toISOString() },
    });
    return key;
  }

  revoke(now: Date, by: 'owner' | 'administrator'): void {
    if (this.revokedAt) throw new DomainError('API_KEYS.REVOKED', 'conflict', 'This API key is already revoked');
    this.revokedAt = now;
    recordEvent(this, {
      type: 'api_key.revoked',
      organizationId: this.organizationId,
      subject: { type: 'user', id: this.userId },
      payload: { apiKeyId: this.id, by },
    });
  }
}
