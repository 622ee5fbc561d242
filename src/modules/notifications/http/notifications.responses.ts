import { ApiProperty } from '@nestjs/swagger';
import { NOTICE_KINDS } from '../domain/notice';

class NotificationSubject {
  @ApiProperty({ example: 'security_alert' })
  type!: string;

  @ApiProperty()
  id!: string;
}

export class NotificationResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['securityAlerts', 'invitationOutcomes'], description: 'the preference (notificationPreferences.inApp) the notice belongs to' })
  topic!: string;

  @ApiProperty({ enum: NOTICE_KINDS })
  kind!: string;

  @ApiProperty({ example: 'ada@example.com accepted your invitation', description: 'the notice in one line (English)' })
  title!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'security_alert: { alertId, rule, title, severity, summary }; invitation_outcome: { outcome: accepted|expired, invitees: [{ email, name, role }], more } (a removed person’s email and name are null)',
  })
  data!: Record<string, unknown>;

  @ApiProperty({ type: NotificationSubject, nullable: true, description: 'what it is about: the alert, the invitation' })
  subject!: NotificationSubject | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  readAt!: string | null;
}

export class NotificationFeedResponse {
  @ApiProperty({ type: [NotificationResponse], description: 'newest first' })
  items!: NotificationResponse[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;

  @ApiProperty({ description: 'the caller’s unread notices, whatever the page' })
  unreadCount!: number;
}

export class MarkedReadResponse {
  @ApiProperty({ description: 'notices this request marked read (0 when they already were)' })
  marked!: number;

  @ApiProperty()
  unreadCount!: number;
}
