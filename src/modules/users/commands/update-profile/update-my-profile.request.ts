import { ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';

/**
 * The signed-in user's own profile fields; each is optional, null clears it. Values are
 * validated by the command (each bad field named); email, role and status are not here.
 */
export class UpdateMyProfileRequest {
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 200 })
  @Allow()
  name?: unknown;

  @ApiPropertyOptional({ type: String, nullable: true, example: '+14155550123', description: 'E.164: + and 8 to 15 digits' })
  @Allow()
  phone?: unknown;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Europe/Paris', description: 'an IANA time zone name' })
  @Allow()
  timezone?: unknown;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'en-GB', description: 'a BCP 47 language tag (stored canonicalized)' })
  @Allow()
  locale?: unknown;

  @ApiPropertyOptional({
    type: 'object',
    properties: {
      securityAlerts: { type: 'boolean' },
      invitationOutcomes: { type: 'boolean' },
      weeklyDigest: { type: 'boolean' },
      productUpdates: { type: 'boolean' },
    },
    additionalProperties: false,
    description: 'the switches to change; the others keep their values',
  })
  @Allow()
  notificationPreferences?: unknown;
}
