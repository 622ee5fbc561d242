import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { decodeCursor, encodeCursor, type Page } from '../../../../shared/pagination';
import type { InvitationStatus } from '../../domain/invitation.entity';
import { ListInvitationsQuery, type InvitationView } from './list-invitations.query';

interface InvitationRow {
  id: string;
  email: string | null;
  role: string;
  status: InvitationStatus;
  invited_by: string | null;
  expires_at: Date;
  created_at: Date;
  resent_at: Date | null;
  created_at_us: string;
}

/** `t`: created_at in microseconds since the epoch (as stored, so no rounding skips a row). */
type Position = { t: string; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isPosition = (value: unknown): value is Position =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Position).t === 'string' &&
  /^\d{1,20}$/.test((value as Position).t) &&
  typeof (value as Position).id === 'string' &&
  UUID.test((value as Position).id);

@QueryHandler(ListInvitationsQuery)
export class ListInvitationsHandler implements IQueryHandler<ListInvitationsQuery, Page<InvitationView>> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute({ organizationId, filter }: ListInvitationsQuery): Promise<Page<InvitationView>> {
    const now = this.clock.now();
    const cursor = decodeCursor(filter.cursor, isPosition);
    const conditions = ['i.organization_id = ?'];
    const params: unknown[] = [now, organizationId];
    switch (filter.status) {
      case undefined:
        break;
      case 'pending':
        conditions.push(`i.status = 'pending' and i.expires_at > ?`);
        params.push(now);
        break;
      case 'expired':
        // past expiry but not swept yet counts as expired already
        conditions.push(`(i.status = 'expired' or (i.status = 'pending' and i.expires_at <= ?))`);
        params.push(now);
        break;
      case 'accepted':
      case 'revoked':
        conditions.push('i.status = ?');
        params.push(filter.status);
        break;
    }
    if (cursor) {
      conditions.push(`(i.created_at, i.id) < (timestamptz 'epoch' + ?::bigint * interval '1 microsecond', ?::uuid)`);
      params.push(cursor.t, cursor.id);
    }
    const rows = await this.uow
      .reader(organizationId)
      .getConnection()
      .execute<InvitationRow[]>(
        `select i.id, case when u.status = 'removed' then null else u.email end as email, i.role,
                case when i.status = 'pending' and i.expires_at <= ? then 'expired' else i.status end as status,
                i.invited_by, i.expires_at, i.created_at, i.resent_at,
                (extract(epoch from i.created_at) * 1000000)::bigint::text as created_at_us
           from invitations i
           left join users u on u.id = i.user_id and u.organization_id = i.organization_id
          where ${conditions.join(' and ')}
          order by i.created_at desc, i.id desc
          limit ${filter.limit + 1}`,
        params,
        'all',
      );
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => ({
        id: row.id,
        email: row.email,
        role: row.role,
        status: row.status,
        invitedBy: row.invited_by,
        expiresAt: new Date(row.expires_at),
        createdAt: new Date(row.created_at),
        resentAt: row.resent_at ? new Date(row.resent_at) : null,
      })),
      nextCursor: rows.length > filter.limit && last ? encodeCursor({ t: last.created_at_us, id: last.id }) : null,
    };
  }
}
