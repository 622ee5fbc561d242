import { ApiProperty } from '@nestjs/swagger';

export class TeamResponse {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the department it sits under' }) parentId!: string | null;
  @ApiProperty({ nullable: true, type: String }) archivedAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ description: 'send as If-Match to PATCH' }) version!: number;
}

export class TeamPageResponse {
  @ApiProperty({ type: [TeamResponse] }) items!: TeamResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class TeamMemberResponse {
  @ApiProperty() userId!: string;
  @ApiProperty() lead!: boolean;
  @ApiProperty() joinedAt!: string;
}

export class TeamDetailMemberResponse extends TeamMemberResponse {
  @ApiProperty({ enum: ['manual', 'sso'], description: '`sso`: set by the SAML group mapping, re-applied on every login; an admin’s PUT makes it `manual`' })
  source!: 'manual' | 'sso';
}

export class TeamDetailResponse extends TeamResponse {
  @ApiProperty({ type: [TeamDetailMemberResponse] }) members!: TeamDetailMemberResponse[];
  @ApiProperty({ type: [String] }) childIds!: string[];
}

export class TeamMembershipResponse extends TeamMemberResponse {
  @ApiProperty() teamId!: string;
}

export class TeamOverviewResponse {
  @ApiProperty() members!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { Developer: 3 } }) byRole!: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { active: 3 } }) byStatus!: Record<string, number>;
  @ApiProperty() leads!: number;
  @ApiProperty() pendingInvitations!: number;
  @ApiProperty({ description: 'the audit API’s team filter, where the recent activity is read' }) activity!: string;
}

export class TeamDashboardResponse {
  @ApiProperty() teamId!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { widgets: [{ id: 'w1', type: 'members', title: null, position: { x: 0, y: 0, w: 6, h: 4 }, options: {} }], filters: { statuses: ['active'] } },
  })
  layout!: object;
  @ApiProperty({ type: TeamOverviewResponse }) overview!: TeamOverviewResponse;
}
