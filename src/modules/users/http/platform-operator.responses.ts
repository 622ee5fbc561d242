import { ApiProperty } from '@nestjs/swagger';

export class PlatformOperatorResponse {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ type: String, nullable: true })
  email!: string | null;

  @ApiProperty({ type: String, nullable: true })
  name!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the operator who granted it; null for the bootstrap Administrator' })
  grantedBy!: string | null;

  @ApiProperty({ format: 'date-time' })
  grantedAt!: string;
}

export class PlatformOperatorPage {
  @ApiProperty({ type: [PlatformOperatorResponse] })
  items!: PlatformOperatorResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'always null: the list is short and comes whole' })
  nextCursor!: string | null;
}
