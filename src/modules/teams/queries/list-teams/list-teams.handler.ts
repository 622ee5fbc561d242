import type { FilterQuery } from '@mikro-orm/core';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { decodeCursor, encodeCursor, type Page } from '../../../../shared/pagination';
import { Team } from '../../domain/team.entity';
import { teamView, type TeamView } from '../team.view';
import { ListTeamsQuery } from './list-teams.query';

type Position = { at: string; id: string };
const isPosition = (value: unknown): value is Position =>
  typeof value === 'object' && value !== null && typeof (value as Position).at === 'string' && typeof (value as Position).id === 'string' && !Number.isNaN(Date.parse((value as Position).at));

@QueryHandler(ListTeamsQuery)
export class ListTeamsHandler implements IQueryHandler<ListTeamsQuery, Page<TeamView>> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute({ organizationId, filter }: ListTeamsQuery): Promise<Page<TeamView>> {
    const after = decodeCursor(filter.cursor, isPosition);
    const conditions: FilterQuery<Team>[] = [];
    if (!filter.includeArchived) conditions.push({ archivedAt: null });
    if (filter.parentId) conditions.push({ parentId: filter.parentId.toLowerCase() });
    if (after) conditions.push({ $or: [{ createdAt: { $gt: new Date(after.at) } }, { createdAt: new Date(after.at), id: { $gt: after.id } }] });
    const rows = await this.uow
      .reader(organizationId)
      .find(Team, conditions.length ? { $and: conditions } : {}, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: filter.limit + 1 });
    const items = rows.slice(0, filter.limit);
    const last = items.at(-1);
    return { items: items.map(teamView), nextCursor: rows.length > filter.limit && last ? encodeCursor({ at: last.createdAt.toISOString(), id: last.id }) : null };
  }
}
