import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageRequest } from '../../../../shared/page-request';
import { BUILT_IN_ROLES } from '../../../access-policy';
import type { UserStatus } from '../../domain/user.entity';

const STATUSES: UserStatus[] = ['invited', 'active', 'deactivated', 'removed'];

export class ListUsersRequest extends PageRequest {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES, { message: `status must be one of ${STATUSES.join(', ')}` })
  status?: UserStatus;

  @ApiPropertyOptional({ enum: BUILT_IN_ROLES })
  @IsOptional()
  @IsIn(BUILT_IN_ROLES, { message: `role must be one of ${BUILT_IN_ROLES.join(', ')}` })
  role?: string;

  @ApiPropertyOptional({ description: 'case-insensitive part of the name or email (`%` and `_` match themselves)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'members of this team only' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  team?: string;
}
