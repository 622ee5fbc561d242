import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { TenantOwned } from '../../../infrastructure/database/tenant';

export type GrantPrincipalType = 'user' | 'team' | 'role';

/**
 * Who may do which actions on one resource, until when. Written only by the grant commands,
 * which record one event per change of a resource's or team's grants.
 */
@Entity({ tableName: 'resource_grants' })
@TenantOwned()
export class ResourceGrant {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'uuid' })
  resourceId!: string;

  @Property({ type: 'text' })
  principalType!: GrantPrincipalType;

  /** A user or team id; for a role, a custom role's id or a built-in role's name. */
  @Property({ type: 'text' })
  principalId!: string;

  @Property({ type: 'json' })
  actions!: string[];

  @Property({ type: 'Date', nullable: true })
  expiresAt: Date | null = null;

  @Property({ type: 'uuid', nullable: true })
  grantedBy: string | null = null;

  @Property({ type: 'Date' })
  createdAt!: Date;
}
