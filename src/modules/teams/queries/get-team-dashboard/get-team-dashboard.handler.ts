import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { NotFoundError } from '../../../../shared/domain-error';
import { UserAccounts } from '../../../users';
import { TeamMember } from '../../domain/team-member.entity';
import { Team } from '../../domain/team.entity';
import { GetTeamDashboardQuery, type TeamDashboardView } from './get-team-dashboard.query';

/**
 * The saved layout and the overview it shows: members by role and status (after the
 * layout's filters), and pending invitations into the team. Recent activity is the audit
 * API's to answer (audit reads teams, never the other way round): the overview links to it.
 */
@QueryHandler(GetTeamDashboardQuery)
export class GetTeamDashboardHandler implements IQueryHandler<GetTeamDashboardQuery, TeamDashboardView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly accounts: UserAccounts,
  ) {}

  async execute(query: GetTeamDashboardQuery): Promise<TeamDashboardView> {
    const em = this.uow.reader(query.organizationId);
    const team = await em.findOne(Team, { id: query.teamId });
    if (!team) throw new NotFoundError('Team');
    const members = await em.find(TeamMember, { teamId: team.id });
    const { roles, statuses } = team.dashboard.filters;
    const summaries = (await this.accounts.summariesOf(query.organizationId, members.map((member) => member.userId))).filter(
      (user) => (!roles?.length || roles.includes(user.role)) && (!statuses?.length || statuses.includes(user.status)),
    );
    const count = (values: string[]) => values.reduce<Record<string, number>>((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});
    const shown = new Set(summaries.map((user) => user.id));
    return {
      teamId: team.id,
      layout: team.dashboard,
      overview: {
        members: summaries.length,
        byRole: count(summaries.map((user) => user.role)),
        byStatus: count(summaries.map((user) => user.status)),
        leads: members.filter((member) => member.lead && shown.has(member.userId)).length,
        pendingInvitations: await this.accounts.pendingInvitationsInto(query.organizationId, team.id),
        activity: `/api/v1/audit/events?team=${team.id}`,
      },
    };
  }
}
