import { Injectable } from '@nestjs/common';
import type { Actor } from '../../../shared/actor';
import { ForbiddenError } from '../../../shared/domain-error';
import type { Principal } from '../../../shared/principal';
import { Abilities } from '../../access-policy';

export type TeamAction = 'manage' | 'manage_members' | 'manage_dashboard';

/**
 * Who may change a team: holders of `teams:manage` (for a key: in its scopes) change any; a
 * lead runs their own team's membership and dashboard, as the ability's lead rules say.
 * A refusal is recorded (`access.denied`) by access-policy's DeniedActions (from the error filter), as
 * every forbidden answer of a command is.
 */
@Injectable()
export class TeamAccess {
  constructor(private readonly abilities: Abilities) {}

  /** 'role' when the caller's role allows it, 'lead' when only their lead rule does. */
  async assert(principal: Principal, actor: Actor, teamId: string, action: TeamAction): Promise<'role' | 'lead'> {
    const ability = await this.abilities.forUser(principal.organizationId, principal.userId);
    if (ability?.hasPermission('teams:manage') && (principal.scopes === null || principal.scopes.includes('teams:manage'))) return 'role';
    if (ability && action !== 'manage' && ability.leadsFor(action, teamId)) return 'lead';
    throw new ForbiddenError('TEAMS.NOT_ALLOWED', 'Only team managers, and this team’s leads for its members and dashboard, may do this');
  }
}
