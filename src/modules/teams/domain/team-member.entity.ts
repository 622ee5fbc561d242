import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { TenantOwned } from '../../../infrastructure/database/tenant';

/**
 * A user's membership of a team; leads run the team's membership and dashboard. One that SSO
 * set names its SAML connection (`ssoConnectionId`): the IdP's groups add and end it on every
 * login. A hand-set one (null) is never touched by SSO; an admin's PUT on an SSO-set one
 * makes it hand-set.
 */
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

  @Property({ type: 'uuid', nullable: true })
  ssoConnectionId: string | null = null;
}
