import { Injectable } from '@nestjs/common';
import type { CommandContext } from '../../../infrastructure/event-store/unit-of-work';

export interface SsoTeamSync {
  organizationId: string;
  userId: string;
  connectionId: string;
  /** The teams the IdP's groups map to now; memberships SSO set earlier and not listed here end. */
  teamIds: string[];
}

/**
 * The port through which SAML sign-in sets a user's SSO-managed team memberships, inside
 * the sign-in's transaction. The teams module provides it once it exists; until then the
 * default below records what the mapping asked for and changes nothing.
 */
export abstract class SsoTeamMemberships {
  abstract sync(context: CommandContext, input: SsoTeamSync): Promise<void>;
}

@Injectable()
export class DeferredSsoTeamMemberships extends SsoTeamMemberships {
  async sync(context: CommandContext, input: SsoTeamSync): Promise<void> {
    context.record({
      type: 'sso.team_mapping_deferred',
      organizationId: input.organizationId,
      subject: { type: 'user', id: input.userId },
      payload: { connectionId: input.connectionId, teamIds: input.teamIds, reason: 'teams_not_available' },
    });
  }
}
