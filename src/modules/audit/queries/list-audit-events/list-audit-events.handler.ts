import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { HotReads } from '../../../../infrastructure/database/hot-reads';
import { RFC3339_MS } from '../../../../infrastructure/event-store/event-store';
import { InvalidInputError } from '../../../../shared/domain-error';
import type { Page } from '../../../../shared/pagination';
import { TeamRoster } from '../../../teams';
import type { EventOutcome } from '../../projections/event-outcome';
import { ReadModelQuery } from '../read-model-query';
import { ListAuditEventsQuery, type AuditEventView } from './list-audit-events.query';

interface AuditRow {
  event_id: string;
  seq: string;
  type: string;
  outcome: EventOutcome;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_ip: string | null;
  actor_user_agent: string | null;
  request_id: string | null;
  subject_type: string;
  subject_id: string | null;
  subject_name: string | null;
  payload: Record<string, unknown>;
  occurred_at: string;
}

const COLUMNS = `event_id, seq, type, outcome, actor_type, actor_id, actor_name, actor_ip, actor_user_agent, request_id,
  subject_type, subject_id, subject_name, payload, to_char(occurred_at at time zone 'UTC', ${RFC3339_MS}) as occurred_at`;

@QueryHandler(ListAuditEventsQuery)
export class ListAuditEventsHandler implements IQueryHandler<ListAuditEventsQuery, Page<AuditEventView>> {
  constructor(
    private readonly hot: HotReads,
    private readonly teams: TeamRoster,
  ) {}

  async execute({ organizationId, filter }: ListAuditEventsQuery): Promise<Page<AuditEventView>> {
    const query = await ReadModelQuery.create('audit_log', organizationId, filter, (text, values) => this.hot.planned(text, values));
    if (filter.type?.endsWith('.*')) {
      const prefix = filter.type.slice(0, -2);
      // a first-level prefix (auth.*) is the category column, which has its own index
      if (!prefix.includes('.')) query.where('category = ?', prefix);
      else query.where('type like ?', `${prefix.replace(/[\\%_]/g, '\\$&')}.%`);
    } else if (filter.type) {
      query.where('type = ?', filter.type);
    }
    if (filter.actor) query.where('actor_id = ?', filter.actor.toLowerCase());
    if (filter.subject) query.where('subject_id = ?', filter.subject.toLowerCase());
    if (filter.outcome) query.where('outcome = ?', filter.outcome);
    if (filter.ip) query.where('actor_ip = ?', filter.ip);
    if (filter.team) {
      // membership as the teams module answers it now, at query time
      const members = await this.teams.memberIds(organizationId, filter.team);
      if (!members) throw new InvalidInputError('AUDIT.UNKNOWN_TEAM', 'team', 'team names no team of this organization');
      query.where(
        `(subject_id = ? or actor_id in (select jsonb_array_elements_text(?::jsonb)) or (subject_type = 'user' and subject_id in (select jsonb_array_elements_text(?::jsonb))))`,
        filter.team.toLowerCase(),
        JSON.stringify(members),
        JSON.stringify(members),
      );
    }
    const { text, values } = query.statement(COLUMNS, filter.limit);
    // on the pool: an ORM fork and knex cost more CPU than this query takes in the database
    const rows = await this.hot.planned<AuditRow>(text, values);
    return ReadModelQuery.page(rows, filter.limit, (row) => ({
      id: row.event_id,
      seq: Number(row.seq),
      type: row.type,
      outcome: row.outcome,
      actor: { type: row.actor_type, id: row.actor_id, name: row.actor_name, ip: row.actor_ip, userAgent: row.actor_user_agent },
      subject: { type: row.subject_type, id: row.subject_id, name: row.subject_name },
      requestId: row.request_id,
      payload: row.payload,
      occurredAt: row.occurred_at,
    }));
  }
}
