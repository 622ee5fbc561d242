import { ApiProperty } from '@nestjs/swagger';

export class MeResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  organizationId!: string;

  @ApiProperty({ nullable: true, type: String })
  email!: string | null;

  @ApiProperty({ nullable: true, type: String })
  name!: string | null;

  @ApiProperty({ example: 'Administrator' })
  role!: string;

  @ApiProperty({ enum: ['invited', 'active', 'deactivated', 'removed'] })
  status!: string;

  @ApiProperty()
  platformOperator!: boolean;

  @ApiProperty({ type: [String], description: 'the permissions the role grants' })
  permissions!: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}
