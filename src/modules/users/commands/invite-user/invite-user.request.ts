import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsEmail, IsIn, IsOptional, IsUUID, MaxLength } from 'class-validator';
import { BUILT_IN_ROLES } from '../../../access-policy';
import { MAX_EMAIL_LENGTH } from '../../domain/invitation-rules';

export class InviteUserRequest {
  @ApiProperty({ example: 'ada@example.com', description: 'an address not yet a member of the organization' })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(MAX_EMAIL_LENGTH)
  email!: string;

  @ApiProperty({ enum: BUILT_IN_ROLES, description: 'a role you may assign (a Manager: Developer or Viewer)' })
  @IsIn(BUILT_IN_ROLES, { message: `role must be one of ${BUILT_IN_ROLES.join(', ')}` })
  role!: string;

  @ApiPropertyOptional({ type: [String], description: 'teams to join on accepting; teams are not available yet, so empty' })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true, message: 'teamIds must hold team ids (UUIDs)' })
  teamIds?: string[];
}
