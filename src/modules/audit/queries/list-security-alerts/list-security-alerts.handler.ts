import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { decodeCursor, encodeCursor, type Page } from '../../../../shared/pagination';
import { SecurityAlertsRepository, type SecurityAlert } from '../../infrastructure/security-alerts.repository';
import { ListSecurityAlertsQuery } from './list-security-alerts.query';

const isCursor = (value: unknown): value is { raisedAt: string; id: string } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { raisedAt?: unknown }).raisedAt === 'string' &&
  !Number.isNaN(Date.parse((value as { raisedAt: string }).raisedAt)) &&
  typeof (value as { id?: unknown }).id === 'string' &&
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test((value as { id: string }).id);

@QueryHandler(ListSecurityAlertsQuery)
export class ListSecurityAlertsHandler implements IQueryHandler<ListSecurityAlertsQuery, Page<SecurityAlert>> {
  constructor(
    private readonly em: EntityManager,
    private readonly alerts: SecurityAlertsRepository,
  ) {}

  async execute({ organizationId, filter }: ListSecurityAlertsQuery): Promise<Page<SecurityAlert>> {
    const before = decodeCursor(filter.cursor, isCursor) ?? undefined;
    const rows = await this.alerts.list(this.em.fork(), organizationId, filter, filter.limit + 1, before);
    const items = rows.slice(0, filter.limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > filter.limit && last ? encodeCursor({ raisedAt: last.raisedAt, id: last.id }) : null };
  }
}
