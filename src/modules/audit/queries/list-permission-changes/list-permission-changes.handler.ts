import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { HotReads } from '../../../../infrastructure/database/hot-reads';
import { RFC3339_MS } from '../../../../infrastructure/event-store/event-store';
import type { Page } from '../../../../shared/pagination';
import { ReadModelQuery } from '../read-model-query';
import { ListPermissionChangesQuery, type PermissionChangeView } from './list-permission-changes.query';

interface PermissionChangeRow {
  event_id: string;
  seq: string;
  type: string;
  change: string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_ip: string | null;
  request_id: string | null;
  subject_type: string;
  subject_id: string | null;
  subject_name: string | null;
  before: unknown;
  after: unknown;
  occurred_at: string;
}

const COLUMNS = `event_id, seq, type, change, actor_type, actor_id, actor_name, actor_ip, request_id, subject_type, subject_id, subject_name, before, after,
  to_char(occurred_at at time zone 'UTC', ${RFC3339_MS}) as occurred_at`;

@QueryHandler(ListPermissionChangesQuery)
export class ListPermissionChangesHandler implements IQueryHandler<ListPermissionChangesQuery, Page<PermissionChangeView>> {
  constructor(private readonly hot: HotReads) {}

  async execute({ organizationId, filter }: ListPermissionChangesQuery): Promise<Page<PermissionChangeView>> {
    const query = await ReadModelQuery.create('permission_changes', organizationId, filter, (text, values) => this.hot.planned(text, values));
    if (filter.change) query.where('change = ?', filter.change);
    if (filter.actor) query.where('actor_id = ?', filter.actor.toLowerCase());
    if (filter.subject) query.where('subject_id = ?', filter.subject.toLowerCase());
    const { text, values } = query.statement(COLUMNS, filter.limit);
    // on the pool: an ORM fork and knex cost more CPU than this query takes in the database
    const rows = await this.hot.planned<PermissionChangeRow>(text, values);
    return ReadModelQuery.page(rows, filter.limit, (row) => ({
      id: row.event_id,
      seq: Number(row.seq),
      type: row.type,
      change: row.change,
      actor: { type: row.actor_type, id: row.actor_id, name: row.actor_name, ip: row.actor_ip },
      subject: { type: row.subject_type, id: row.subject_id, name: row.subject_name },
      requestId: row.request_id,
      before: row.before,
      after: row.after,
      occurredAt: row.occurred_at,
    }));
  }
}
