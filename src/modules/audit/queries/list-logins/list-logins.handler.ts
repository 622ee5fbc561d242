import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { HotReads } from '../../../../infrastructure/database/hot-reads';
import { RFC3339_MS } from '../../../../infrastructure/event-store/event-store';
import type { Page } from '../../../../shared/pagination';
import { ReadModelQuery } from '../read-model-query';
import { ListLoginsQuery, type LoginView } from './list-logins.query';

interface LoginRow {
  event_id: string;
  seq: string;
  type: string;
  result: 'success' | 'failure';
  method: string;
  reason: string | null;
  user_id: string | null;
  user_name: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  session_id: string | null;
  api_key_id: string | null;
  connection_id: string | null;
  occurred_at: string;
}

const COLUMNS = `event_id, seq, type, result, method, reason, user_id, user_name, ip, user_agent, request_id, session_id, api_key_id, connection_id,
  to_char(occurred_at at time zone 'UTC', ${RFC3339_MS}) as occurred_at`;

@QueryHandler(ListLoginsQuery)
export class ListLoginsHandler implements IQueryHandler<ListLoginsQuery, Page<LoginView>> {
  constructor(private readonly hot: HotReads) {}

  async execute({ organizationId, filter }: ListLoginsQuery): Promise<Page<LoginView>> {
    const query = await ReadModelQuery.create('login_history', organizationId, filter, (text, values) => this.hot.planned(text, values));
    if (filter.userId) query.where('user_id = ?', filter.userId.toLowerCase());
    if (filter.result) query.where('result = ?', filter.result);
    if (filter.method) query.where('method = ?', filter.method);
    if (filter.ip) query.where('ip = ?', filter.ip);
    const { text, values } = query.statement(COLUMNS, filter.limit);
    // on the pool: an ORM fork and knex cost more CPU than this query takes in the database
    const rows = await this.hot.planned<LoginRow>(text, values);
    return ReadModelQuery.page(rows, filter.limit, (row) => ({
      id: row.event_id,
      seq: Number(row.seq),
      type: row.type,
      result: row.result,
      method: row.method,
      reason: row.reason,
      user: { id: row.user_id, name: row.user_name },
      ip: row.ip,
      userAgent: row.user_agent,
      requestId: row.request_id,
      sessionId: row.session_id,
      apiKeyId: row.api_key_id,
      connectionId: row.connection_id,
      occurredAt: row.occurred_at,
    }));
  }
}
