import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { TEAM_NAME } from '../create-team/create-team.request';

export class UpdateTeamRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(TEAM_NAME, { message: 'name must be 1-100 characters, not starting or ending with a space' })
  name?: string;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'a new parent (never the team itself or one under it); null: top level' })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsUUID('all', { message: 'parentId must be a team id (UUID) or null' })
  parentId?: string | null;
}
