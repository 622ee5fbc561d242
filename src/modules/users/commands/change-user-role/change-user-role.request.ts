import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class ChangeUserRoleRequest {
  @ApiProperty({ example: 'Developer', description: 'a built-in role (Administrator, Manager, Developer, Viewer) or a custom role’s name (GET /roles)' })
  @IsString({ message: 'role must be a role name' })
  @Length(1, 100, { message: 'role must be a role name' })
  role!: string;
}
