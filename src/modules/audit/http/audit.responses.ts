import { ApiProperty } from '@nestjs/swagger';

export class AuditEventResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'gap-free per organization' })
  seq!: number;

  @ApiProperty({ example: 'auth.login_succeeded' })
  type!: string;

  @ApiProperty({ example: { type: 'user', id: '…', ip: '203.0.113.7' } })
  actor!: { type: string; id: string | null; ip: string | null };

  @ApiProperty({ example: { type: 'user', id: '…' } })
  subject!: { type: string; id: string | null };

  @ApiProperty({ type: Object })
  payload!: Record<string, unknown>;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;
}

export class AuditEventPage {
  @ApiProperty({ type: [AuditEventResponse] })
  items!: AuditEventResponse[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export class VerifyResponse {
  @ApiProperty()
  valid!: boolean;

  @ApiProperty({ description: 'how many events were checked' })
  checked!: number;

  @ApiProperty({ nullable: true, type: Number, description: 'the first event whose seq, link or hash is wrong' })
  firstBrokenSeq!: number | null;
}
