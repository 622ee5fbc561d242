// the team row is locked: one membership change of a team at a time, so racing requests
// for the same member meet an existing row instead of a duplicate key
import { LockMode } from '@mikro-orm/core';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { InvalidInputError, NotFoundError } from '../../../../shared/domain-error';
import { AuthzVersions } from '../../../access-policy';
import { UserAccounts } from '../../../users';
import { TeamMember } from '../../domain/team-member.entity';
import { Team } from '../../domain/team.entity';
import { TeamAccess } from '../../infrastructure/team-access';
import { PutTeamMemberCommand, type TeamMembershipView } from './put-team-member.command';

@CommandHandler(PutTeamMemberCommand)
export class PutTeamMemberHandler implements ICommandHandler<PutTeamMemberCommand, TeamMembershipView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly access: TeamAccess,
    private readonly accounts: UserAccounts,
    private readonly versions: AuthzVersions,
    private readonly clock: Clock,
  ) {}

  async execute(command: PutTeamMemberCommand): Promise<TeamMembershipView> {
    const { principal } = command;
    const organizationId = principal.organizationId;
    const teamId = command.teamId.toLowerCase();
    const userId = command.userId.toLowerCase();
    // who may, and whom, is read before the transaction: it holds one connection and the team's lock
    if (!(await this.uow.reader(organizationId).count(Team, { id: teamId, archivedAt: null }))) throw new NotFoundError('Team');
    const by = await this.access.assert(principal, command.actor, teamId, 'manage_members');
    const user = await this.accounts.findProfile(organizationId, userId);
    if (!user || user.status === 'removed') throw new InvalidInputError('TEAMS.UNKNOWN_USER', 'userId', 'userId names no user of this organization');
    const { result } = await this.uow.run({ actor: command.actor, organizationId }, async (context) => {
      const { em } = context;
      const team = await em.findOne(Team, { id: teamId, archivedAt: null }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!team) throw new NotFoundError('Team');
      const existing = await em.findOne(TeamMember, { teamId: team.id, userId });
      if (by === 'lead' && (command.lead || existing?.lead)) {
        throw new InvalidInputError('TEAMS.LEADS_BY_MANAGERS', 'lead', 'only team managers name or unname leads');
      }
      const now = this.clock.now();
      if (existing) {
        // an admin's word on a membership SSO set makes it hand-set: later logins leave it alone
        const adoptedFrom = existing.ssoConnectionId;
        if (existing.lead !== command.lead || adoptedFrom) {
          existing.lead = command.lead;
          existing.ssoConnectionId = null;
          const adopted = adoptedFrom ? { source: 'manual' as const, previousSource: 'sso' as const, connectionId: adoptedFrom } : {};
          context.record({ type: 'team.member_updated', organizationId, subject: { type: 'team', id: team.id }, payload: { userId, lead: command.lead, ...adopted } });
        }
        return { member: existing, created: false };
      }
      const member = em.create(TeamMember, { teamId: team.id, userId, organizationId, lead: command.lead, joinedAt: now });
      context.record({ type: 'team.member_added', organizationId, subject: { type: 'team', id: team.id }, payload: { userId, lead: command.lead } });
      return { member, created: true };
    });
    await this.versions.bumpUsers([userId]);
    const { member, created } = result;
    return { teamId: member.teamId, userId: member.userId, lead: member.lead, joinedAt: member.joinedAt, created };
  }
}
