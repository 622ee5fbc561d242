import { ApiProperty } from '@nestjs/swagger';

export class OrganizationSettingsResponse {
  @ApiProperty({ type: Number, nullable: true, description: 'days the audit read models keep an event; null: forever' })
  auditRetentionDays!: number | null;
}

export class OrganizationResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  slug!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ description: 'also sent as the ETag; send it back in If-Match to change the organization safely' })
  version!: number;

  @ApiProperty({ type: OrganizationSettingsResponse })
  settings!: OrganizationSettingsResponse;
}

export class CreatedOrganizationResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  slug!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ format: 'uuid', description: 'the first Administrator, invited' })
  adminUserId!: string;
}
