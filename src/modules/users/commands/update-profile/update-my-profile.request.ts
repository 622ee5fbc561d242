import { ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { UpdateUserProfileRequest } from './update-user-profile.request';

/**
 * The signed-in user's own profile fields; each is optional, null clears it. Values are
 * validated by the command (each bad field named); email, role and status are not here.
 */
export class UpdateMyProfileRequest extends UpdateUserProfileRequest {
  @ApiPropertyOptional({
    type: 'object',
    properties: {
      securityAlerts: { type: 'boolean' },
      invitationOutcomes: { type: 'boolean' },
      weeklyDigest: { type: 'boolean' },
      productUpdates: { type: 'boolean' },
      inApp: {
        type: 'object',
        properties: { securityAlerts: { type: 'boolean' }, invitationOutcomes: { type: 'boolean' } },
        additionalProperties: false,
        description: 'the in-app feed’s switches',
      },
    },
    additionalProperties: false,
    description: 'the mail switches, and under inApp the in-app feed’s, to change; the others keep their values',
  })
  @Allow()
  notificationPreferences?: unknown;
}
