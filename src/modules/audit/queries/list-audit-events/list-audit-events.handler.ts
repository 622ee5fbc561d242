import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { RFC3339_MS } from '../../../../infrastructure/event-store/event-store';
import { InvalidInputError } from '../../../../shared/domain-error';
import { decodeCursor, encodeCursor, type Page } from '../../../../shared/pagination';
import { TeamRoster } from '../../../teams';
import { ListAuditEventsQuery, type AuditEventView } from './list-audit-events.query';

interface AuditRow {
  event_id: string;
  seq: string;
  type: string;
  actor_type: string;
  actor_id: string | null;
  actor_ip: string | null;
  subject_type: string;
  subject_id: string | null;
  payload: Record<string, unknown>;
  occurred_at: string;
}

const isSeqCursor = (value: unknown): value is { seq: number } =>
  typeof value === 'object' && value !== null && Number.isSafeInteger((value as { seq?: unknown }).seq);

@QueryHandler(ListAuditEventsQuery)
export class ListAuditEventsHandler implements IQueryHandler<ListAuditEventsQuery, Page<AuditEventView>> {
  constructor(
    private readonly em: EntityManager,
    private readonly teams: TeamRoster,
  ) {}

  async execute({ organizationId, filter }: ListAuditEventsQuery): Promise<Page<AuditEventView>> {
    const cursor = decodeCursor(filter.cursor, isSeqCursor);
    const conditions = ['organization_id = ?'];
    const params: unknown[] = [organizationId];
    if (cursor) {
      conditions.push('seq < ?');
      params.push(cursor.seq);
    }
    if (filter.type?.endsWith('.*')) {
      conditions.push('type like ?');
      params.push(`${filter.type.slice(0, -2).replace(/[\\%_]/g, '\\$&')}.%`);
    } else if (filter.type) {
      conditions.push('type = ?');
      params.push(filter.type);
    }
    if (filter.actor) {
      conditions.push('actor_id = ?');
      params.push(filter.actor);
    }
    if (filter.subject) {
      conditions.push('subject_id = ?');
      params.push(filter.subject);
    }
    if (filter.team) {
      // membership as the teams module answers it now, at query time
      const members = await this.teams.memberIds(organizationId, filter.team);
      if (!members) throw new InvalidInputError('AUDIT.UNKNOWN_TEAM', 'team', 'team names no team of this organization');
      conditions.push(
        `(subject_id = ? or actor_id in (select jsonb_array_elements_text(?::jsonb)) or (subject_type = 'user' and subject_id in (select jsonb_array_elements_text(?::jsonb))))`,
      );
      params.push(filter.team.toLowerCase(), JSON.stringify(members), JSON.stringify(members));
    }
    if (filter.from) {
      conditions.push('occurred_at >= ?');
      params.push(filter.from);
    }
    if (filter.to) {
      conditions.push('occurred_at < ?');
      params.push(filter.to);
    }
    const rows = await this.em
      .fork()
      .getConnection()
      .execute<AuditRow[]>(
        `select event_id, seq, type, actor_type, actor_id, actor_ip, subject_type, subject_id, payload,
                to_char(occurred_at at time zone 'UTC', ${RFC3339_MS}) as occurred_at
           from audit_log where ${conditions.join(' and ')} order by seq desc limit ${filter.limit + 1}`,
        params,
        'all',
      );
    const page = rows.slice(0, filter.limit);
    return {
      items: page.map((row) => ({
        id: row.event_id,
        seq: Number(row.seq),
        type: row.type,
        actor: { type: row.actor_type, id: row.actor_id, ip: row.actor_ip },
        subject: { type: row.subject_type, id: row.subject_id },
        payload: row.payload,
        occurredAt: row.occurred_at,
      })),
      nextCursor: rows.length > filter.limit ? encodeCursor({ seq: Number(page[page.length - 1].seq) }) : null,
    };
  }
}
