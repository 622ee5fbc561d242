import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { BUILT_IN_ROLES } from '../../../access-policy';

export class ChangeUserRoleRequest {
  @ApiProperty({ enum: BUILT_IN_ROLES, example: 'Developer' })
  @IsIn(BUILT_IN_ROLES, { message: `role must be one of ${BUILT_IN_ROLES.join(', ')}` })
  role!: string;
}
