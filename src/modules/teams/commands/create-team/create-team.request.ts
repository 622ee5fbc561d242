import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

export const TEAM_NAME = /^\S(.{0,98}\S)?$/u;

export class CreateTeamRequest {
  @ApiProperty({ example: 'Payments', description: 'unique among the organization’s active teams (case-insensitive)' })
  @IsString()
  @Matches(TEAM_NAME, { message: 'name must be 1-100 characters, not starting or ending with a space' })
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ description: 'the department this team sits under' })
  @IsOptional()
  @IsUUID('all', { message: 'parentId must be a team id (UUID)' })
  parentId?: string;
}
