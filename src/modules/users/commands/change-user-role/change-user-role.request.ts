import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class ChangeUserRoleRequest {
  @ApiProperty({ example: 'Developer', description: 'a built-in role (Administrator, Manager, Developer, Viewer) or a custom role’s name (GET /roles)' })
  // one rule, so a missing role is one error naming the field
  @Matches(/^[^\n]{1,100}$/, { message: 'role must be a role name' })
  role!: string;
}
