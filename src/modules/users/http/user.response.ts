import { ApiProperty } from '@nestjs/swagger';

const STATUSES = ['invited', 'active', 'deactivated', 'removed'];

export class UserListItemResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true, format: 'email', description: 'null once the user is removed' })
  email!: string | null;

  @ApiProperty({ type: String, nullable: true, description: '"removed user" once the user is removed' })
  name!: string | null;

  @ApiProperty({ example: 'Developer' })
  role!: string;

  @ApiProperty({ enum: STATUSES })
  status!: string;

  @ApiProperty()
  mfaEnabled!: boolean;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  lastSignInAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class UserPageResponse {
  @ApiProperty({ type: [UserListItemResponse] })
  items!: UserListItemResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'pass as `cursor` for the next page; null on the last page' })
  nextCursor!: string | null;
}

export class UserTeamResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ description: 'the user leads this team' })
  lead!: boolean;
}

export class UserDetailResponse extends UserListItemResponse {
  @ApiProperty({ type: String, nullable: true })
  phone!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Europe/Berlin' })
  timezone!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'de-DE' })
  locale!: string | null;

  @ApiProperty({ type: [UserTeamResponse], description: 'the teams the user is a member of' })
  teams!: UserTeamResponse[];

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  deactivatedAt!: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  removedAt!: string | null;
}
