import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { FilterQuery } from '@mikro-orm/core';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { decodeCursor, encodeCursor, type Page } from '../../../../shared/pagination';
import { Resource } from '../../domain/resource.entity';
import { resourceView, type ResourceView } from '../resource.view';
import { ListResourcesQuery } from './list-resources.query';

type Position = { at: string; id: string };
const isPosition = (value: unknown): value is Position =>
  typeof value === 'object' && value !== null && typeof (value as Position).at === 'string' && typeof (value as Position).id === 'string' && !Number.isNaN(Date.parse((value as Position).at));

@QueryHandler(ListResourcesQuery)
export class ListResourcesHandler implements IQueryHandler<ListResourcesQuery, Page<ResourceView>> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(query: ListResourcesQuery): Promise<Page<ResourceView>> {
    const after = decodeCursor(query.cursor, isPosition);
    const where: FilterQuery<Resource> = {};
    if (query.filter.type) where.type = query.filter.type;
    if (query.filter.teamId) where.teamId = query.filter.teamId;
    if (query.filter.externalId !== undefined) where.externalId = query.filter.externalId;
    const conditions: FilterQuery<Resource>[] = [where];
    if (after) conditions.push({ $or: [{ createdAt: { $gt: new Date(after.at) } }, { createdAt: new Date(after.at), id: { $gt: after.id } }] });
    const rows = await this.uow.reader(query.organizationId).find(Resource, { $and: conditions }, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: query.limit + 1 });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return { items: items.map(resourceView), nextCursor: rows.length > query.limit && last ? encodeCursor({ at: last.createdAt.toISOString(), id: last.id }) : null };
  }
}
