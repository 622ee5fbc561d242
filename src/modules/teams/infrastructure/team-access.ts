import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Actor } from '../../../shared/actor';
import { ForbiddenError } from '../../../shared/domain-error';
import type { Principal } from '../../../shared/principal';
import { Abilities, RecordAccessDeniedCommand } from '../../access-policy';

export type TeamAction = 'manage' | 'manage_members' | 'manage_dashboard';

/**
 * Who may change a team: holders of `teams:manage` (for a key: in its scopes) change any; a
 * lead runs their own team's membership and dashboard, as the ability's lead rules say.
 * A refusal is recorded (`access.denied`) like the guard's.
 */
@Injectable()
export class TeamAccess {
  constructor(
    private readonly abilities: Abilities,
    private readonly commands: CommandBus,
  ) {}

  /** 'role' when the caller's role allows it, 'lead' when only their lead rule does. */
  async assert(principal: Principal, actor: Actor, teamId: string, action: TeamAction): Promise<'role' | 'lead'> {
    const ability = await this.abilities.forUser(principal.organizationId, principal.userId);
    if (ability?.hasPermission('teams:manage') && (principal.scopes === null || principal.scopes.includes('teams:manage'))) return 'role';
    if (ability && action !== 'manage' && ability.leadsFor(action, teamId)) return 'lead';
    await this.refuse(principal, actor, `${action} team`, 'TEAMS.NOT_ALLOWED');
    throw new ForbiddenError('TEAMS.NOT_ALLOWED', 'Only team managers, and this team’s leads for its members and dashboard, may do this');
  }

  async refuse(principal: Principal, actor: Actor, route: string, code: string): Promise<void> {
    await this.commands
      .execute(new RecordAccessDeniedCommand(principal.organizationId, actor, { userId: principal.userId, method: 'COMMAND', route, required: ['teams:manage'], code }))
      .catch(() => undefined);
  }
}
