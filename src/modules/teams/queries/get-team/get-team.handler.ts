import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { NotFoundError } from '../../../../shared/domain-error';
import { TeamMember } from '../../domain/team-member.entity';
import { Team } from '../../domain/team.entity';
import { teamView } from '../team.view';
import { GetTeamQuery, type TeamDetailView } from './get-team.query';

@QueryHandler(GetTeamQuery)
export class GetTeamHandler implements IQueryHandler<GetTeamQuery, TeamDetailView> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(query: GetTeamQuery): Promise<TeamDetailView> {
    const em = this.uow.reader(query.organizationId);
    const team = await em.findOne(Team, { id: query.teamId });
    if (!team) throw new NotFoundError('Team');
    const [members, children] = await Promise.all([
      em.find(TeamMember, { teamId: team.id }, { orderBy: { joinedAt: 'asc', userId: 'asc' }, limit: 1000 }),
      em.find(Team, { parentId: team.id, archivedAt: null }, { fields: ['id'], orderBy: { createdAt: 'asc' } }),
    ]);
    return {
      ...teamView(team),
      members: members.map((member) => ({ userId: member.userId, lead: member.lead, joinedAt: member.joinedAt, source: member.ssoConnectionId ? ('sso' as const) : ('manual' as const) })),
      childIds: children.map((child) => child.id),
    };
  }
}
