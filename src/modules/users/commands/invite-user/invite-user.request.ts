import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';
import { BUILT_IN_ROLES } from '../../../access-policy';
import { MAX_EMAIL_LENGTH } from '../../domain/invitation-rules';

export class InviteUserRequest {
  @ApiProperty({ example: 'ada@example.com', description: 'an address not yet a member of the organization' })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(MAX_EMAIL_LENGTH)
  email!: string;

  @ApiProperty({ example: 'Developer', description: `a role you may assign: ${BUILT_IN_ROLES.join(', ')} (a Manager: Developer or Viewer), or a custom role’s name` })
  // one rule, so a missing role is one error naming the field
  @Matches(/^[^\n]{1,100}$/, { message: 'role must be a role name' })
  role!: string;

  @ApiPropertyOptional({ type: [String], description: 'teams the invitee joins on accepting: ones you manage (teams:manage) or lead' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true, message: 'teamIds must hold team ids (UUIDs)' })
  teamIds?: string[];
}
