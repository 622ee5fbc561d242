import { ApiProperty, OmitType } from '@nestjs/swagger';
import { AuditEventResponse } from './audit.responses';

export class AlertTriageResponse {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'the user who did it' })
  by!: string | null;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ nullable: true, type: String })
  note!: string | null;
}

export class SecurityEventResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({
    example: 'failed_sign_ins_account',
    description:
      'failed_sign_ins_account, failed_sign_ins_ip, admin_new_sign_in, admin_mfa_removed, administrator_granted, refresh_token_reused, access_refused, denied_burst, break_glass_used',
  })
  rule!: string;

  @ApiProperty({ enum: ['low', 'medium', 'high', 'critical'] })
  severity!: string;

  @ApiProperty({ enum: ['open', 'acknowledged', 'resolved'] })
  status!: string;

  @ApiProperty({ example: { type: 'user', value: '…' }, description: 'what the alert is about: a user (id) or an IP address' })
  key!: { type: string; value: string };

  @ApiProperty({ example: '5 failed sign-ins for one account within 15 minutes' })
  summary!: string;

  @ApiProperty({ description: 'how many events are behind it' })
  eventCount!: number;

  @ApiProperty({ format: 'date-time', description: 'the first event behind it' })
  firstSeenAt!: string;

  @ApiProperty({ format: 'date-time', description: 'the newest event behind it' })
  lastSeenAt!: string;

  @ApiProperty({ format: 'date-time', description: 'when the detector opened it' })
  raisedAt!: string;

  @ApiProperty({ type: AlertTriageResponse, nullable: true })
  acknowledged!: AlertTriageResponse | null;

  @ApiProperty({ type: AlertTriageResponse, nullable: true })
  resolved!: AlertTriageResponse | null;
}

/** An event behind an alert, as the store holds it (the alert outlives the read models' projection). */
export class AlertEventResponse extends OmitType(AuditEventResponse, ['outcome', 'requestId', 'actor', 'subject']) {
  @ApiProperty({ example: { type: 'user', id: '…', ip: '203.0.113.7' } })
  actor!: { type: string; id: string | null; ip: string | null };

  @ApiProperty({ example: { type: 'user', id: '…' } })
  subject!: { type: string; id: string | null };
}

export class SecurityEventDetailResponse extends SecurityEventResponse {
  @ApiProperty({ type: [AlertEventResponse], description: 'the newest 200 events behind the alert, newest first, from the event store' })
  events!: AlertEventResponse[];
}

export class SecurityEventPage {
  @ApiProperty({ type: [SecurityEventResponse] })
  items!: SecurityEventResponse[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}
