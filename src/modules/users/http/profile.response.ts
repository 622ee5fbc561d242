import { ApiProperty } from '@nestjs/swagger';
import type { UserProfile } from '../contracts/user-accounts';

class InAppPreferencesResponse {
  @ApiProperty({ description: 'security alerts in the feed (Administrators)' })
  securityAlerts!: boolean;

  @ApiProperty({ description: 'the outcomes of your invitations in the feed' })
  invitationOutcomes!: boolean;
}

/** The mail switches, and under `inApp` the in-app feed's (GET /api/v1/me/notifications). */
class NotificationPreferencesResponse {
  @ApiProperty({ description: 'sign-ins from new places, password and MFA changes' })
  securityAlerts!: boolean;

  @ApiProperty({ description: 'when people you invited accept or the invitation expires' })
  invitationOutcomes!: boolean;

  @ApiProperty()
  weeklyDigest!: boolean;

  @ApiProperty()
  productUpdates!: boolean;

  @ApiProperty({ type: InAppPreferencesResponse, description: 'notices in the app; the weekly digest and product updates are mail only' })
  inApp!: InAppPreferencesResponse;
}

/** A user's profile: who they are, how to reach them, their preferences. */
export class ProfileResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  organizationId!: string;

  @ApiProperty({ nullable: true, type: String })
  email!: string | null;

  @ApiProperty({ nullable: true, type: String })
  name!: string | null;

  @ApiProperty({ example: 'Developer' })
  role!: string;

  @ApiProperty({ enum: ['invited', 'active', 'deactivated', 'removed'] })
  status!: string;

  @ApiProperty({ nullable: true, type: String, example: '+14155550123', description: 'E.164' })
  phone!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'Europe/Paris', description: 'an IANA time zone' })
  timezone!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'en-GB', description: 'a BCP 47 language tag' })
  locale!: string | null;

  @ApiProperty({ type: NotificationPreferencesResponse })
  notificationPreferences!: NotificationPreferencesResponse;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  lastSignInAt!: string | null;

  @ApiProperty()
  mfaEnabled!: boolean;

  @ApiProperty({ nullable: true, type: String, example: '/api/v1/users/0b6d…/avatar?v=1767225600000' })
  avatarUrl!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export function toProfileResponse(profile: UserProfile): ProfileResponse {
  return {
    id: profile.id,
    organizationId: profile.organizationId,
    email: profile.email,
    name: profile.name,
    role: profile.role,
    status: profile.status,
    phone: profile.phone,
    timezone: profile.timezone,
    locale: profile.locale,
    notificationPreferences: { ...profile.notificationPreferences, inApp: { ...profile.notificationPreferences.inApp } },
    lastSignInAt: profile.lastSignInAt?.toISOString() ?? null,
    mfaEnabled: profile.mfaEnabled,
    avatarUrl: profile.avatarUrl,
    createdAt: profile.createdAt.toISOString(),
  };
}
