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

  @ApiProperty({ nullable: true, type: String, example: '+14155550123', description: 'E.164' })
  phone!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'Europe/Paris', description: 'an IANA time zone' })
  timezone!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'en-GB', description: 'a BCP 47 language tag' })
  locale!: string | null;

  @ApiProperty({
    type: 'object',
    properties: {
      securityAlerts: { type: 'boolean' },
      invitationOutcomes: { type: 'boolean' },
      weeklyDigest: { type: 'boolean' },
      productUpdates: { type: 'boolean' },
    },
  })
  notificationPreferences!: Record<string, boolean>;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  lastSignInAt!: string | null;

  @ApiProperty()
  mfaEnabled!: boolean;

  @ApiProperty({ nullable: true, type: String, description: 'where the picture is served (GET, authenticated); null without one' })
  avatarUrl!: string | null;
}
