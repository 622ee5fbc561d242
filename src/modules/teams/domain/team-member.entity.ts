import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { TenantOwned } from '../../../infrastructure/database/tenant';

/** A user's membership of a team; leads run the team's membership and dashboard. */
@Entity({ tableName: 'team_members' })
@TenantOwned()
export class TeamMember {
  @PrimaryKey({ type: 'uuid' })
  teamId!: string;

  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'boolean' })
  lead!: boolean;

  @Property({ type: 'Date' })
  joinedAt!: Date;
}
