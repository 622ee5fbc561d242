// the team row is locked: one membership change of a team at a time, so racing requests
// for the same member meet an existing row instead of a duplicate key
import { LockMode } from '@mikro-orm/core';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { ForbiddenError, NotFoundError } from '../../../../shared/domain-error';
import { AuthzVersions } from '../../../access-policy';
import { TeamMember } from '../../domain/team-member.entity';
import { Team } from '../../domain/team.entity';
import { TeamAccess } from '../../infrastructure/team-access';
import { RemoveTeamMemberCommand } from './remove-team-member.command';

@CommandHandler(RemoveTeamMemberCommand)
export class RemoveTeamMemberHandler implements ICommandHandler<RemoveTeamMemberCommand, void> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly access: TeamAccess,
    private readonly versions: AuthzVersions,
  ) {}

  async execute(command: RemoveTeamMemberCommand): Promise<void> {
    const { principal } = command;
    const organizationId = principal.organizationId;
    const userId = command.userId.toLowerCase();
    // who may is read before the transaction: it holds one connection and the team's lock
    if (!(await this.uow.reader(organizationId).count(Team, { id: command.teamId, archivedAt: null }))) throw new NotFoundError('Team');
    const by = await this.access.assert(principal, command.actor, command.teamId, 'manage_members');
    await this.uow.run({ actor: command.actor, organizationId }, async (context) => {
      const team = await context.em.findOne(Team, { id: command.teamId, archivedAt: null }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!team) throw new NotFoundError('Team');
      const member = await context.em.findOne(TeamMember, { teamId: team.id, userId });
      if (!member) throw new NotFoundError('Team member');
      // a lead takes out members, and themselves, but not a fellow lead
      if (by === 'lead' && member.lead && userId !== principal.userId.toLowerCase()) {
        throw new ForbiddenError('TEAMS.LEADS_BY_MANAGERS', 'Only team managers take a lead out of a team');
      }
      context.em.remove(member);
      context.record({ type: 'team.member_removed', organizationId, subject: { type: 'team', id: team.id }, payload: { userId } });
    });
    await this.versions.bumpUsers([userId]);
  }
}
