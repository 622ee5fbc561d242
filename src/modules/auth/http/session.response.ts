import { ApiProperty } from '@nestjs/swagger';

export class SessionResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'the session of this request' })
  current!: boolean;

  @ApiProperty({ example: 'password' })
  authMethod!: string;

  @ApiProperty({ nullable: true, type: String })
  userAgent!: string | null;

  @ApiProperty({ nullable: true, type: String })
  ip!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  lastUsedAt!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

export class SessionListResponse {
  @ApiProperty({ type: [SessionResponse] })
  items!: SessionResponse[];

  @ApiProperty({ nullable: true, type: String, description: 'always null: a user has few sessions' })
  nextCursor!: null;
}
