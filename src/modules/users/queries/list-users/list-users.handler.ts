import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { FilterQuery } from '@mikro-orm/core';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { InvalidInputError } from '../../../../shared/domain-error';
import { decodeCursor, encodeCursor, type Page } from '../../../../shared/pagination';
import { Ports } from '../../../access-policy';
import { TeamDirectory } from '../../contracts/team-directory';
import { User } from '../../domain/user.entity';
import { userListItem, type UserListItemView } from '../user-views';
import { ListUsersQuery } from './list-users.query';

interface UserCursor extends Record<string, string> {
  createdAt: string;
  id: string;
}

const isUserCursor = (value: unknown): value is UserCursor => {
  if (typeof value !== 'object' || value === null) return false;
  const { createdAt, id } = value as Record<string, unknown>;
  return typeof createdAt === 'string' && !Number.isNaN(Date.parse(createdAt)) && typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id);
};

/** `%` and `_` in the search are literal characters, not wildcards. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, '\\$&');
}

@QueryHandler(ListUsersQuery)
export class ListUsersHandler implements IQueryHandler<ListUsersQuery, Page<UserListItemView>> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly ports: Ports,
  ) {}

  async execute({ organizationId, filter }: ListUsersQuery): Promise<Page<UserListItemView>> {
    const cursor = decodeCursor(filter.cursor, isUserCursor);
    const conditions: FilterQuery<User>[] = [];
    if (filter.team !== undefined) {
      // members as the teams module answers them; another organization's team is unknown here
      const members = /^[0-9a-f-]{36}$/i.test(filter.team) ? await this.ports.get(TeamDirectory).memberIds(organizationId, filter.team) : null;
      if (!members) throw new InvalidInputError('USERS.UNKNOWN_TEAM', 'team', 'team names no team of this organization');
      conditions.push({ id: { $in: members } });
    }
    if (filter.status) conditions.push({ status: filter.status });
    if (filter.role) conditions.push({ role: filter.role });
    if (filter.q) {
      const pattern = `%${escapeLike(filter.q)}%`;
      conditions.push({ $or: [{ name: { $ilike: pattern } }, { email: { $ilike: pattern } }] });
    }
    if (cursor) {
      const createdAt = new Date(cursor.createdAt);
      conditions.push({ $or: [{ createdAt: { $lt: createdAt } }, { createdAt, id: { $lt: cursor.id } }] });
    }
    // the tenant filter scopes the query to the organization
    const users = await this.uow
      .reader(organizationId)
      .find(User, conditions.length ? { $and: conditions } : {}, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: filter.limit + 1 });
    const page = users.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(userListItem),
      nextCursor: users.length > filter.limit ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }
}
