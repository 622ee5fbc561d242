import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { ResourceGrant } from '../../domain/resource-grant.entity';
import { grantView, type GrantView } from '../resource.view';
import { ListTeamGrantsQuery } from './list-team-grants.query';

@QueryHandler(ListTeamGrantsQuery)
export class ListTeamGrantsHandler implements IQueryHandler<ListTeamGrantsQuery, GrantView[]> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(query: ListTeamGrantsQuery): Promise<GrantView[]> {
    const grants = await this.uow
      .reader(query.organizationId)
      .find(ResourceGrant, { principalType: 'team', principalId: query.teamId.toLowerCase() }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return grants.map(grantView);
  }
}
