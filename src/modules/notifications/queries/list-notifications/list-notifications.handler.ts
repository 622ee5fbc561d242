import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { HotReads } from '../../../../infrastructure/database/hot-reads';
import { decodeCursor, encodeCursor } from '../../../../shared/pagination';
import { RoleCatalogue } from '../../../access-policy';
import { noticeTitle } from '../../domain/notice';
import { countUnread, kindsVisibleTo } from '../../infrastructure/feed-reader';
import { ListNotificationsQuery, type NotificationFeed } from './list-notifications.query';

interface Position {
  at: string;
  id: string;
  [key: string]: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isPosition = (value: unknown): value is Position =>
  typeof value === 'object' && value !== null && typeof (value as Position).at === 'string' && !Number.isNaN(Date.parse((value as Position).at)) && UUID.test(String((value as Position).id));

interface Row {
  id: string;
  topic: string;
  kind: string;
  data: Record<string, unknown>;
  subject_type: string | null;
  subject_id: string | null;
  created_at: Date;
  read_at: Date | null;
}

@QueryHandler(ListNotificationsQuery)
export class ListNotificationsHandler implements IQueryHandler<ListNotificationsQuery, NotificationFeed> {
  constructor(
    private readonly hot: HotReads,
    private readonly roles: RoleCatalogue,
  ) {}

  async execute({ reader, options }: ListNotificationsQuery): Promise<NotificationFeed> {
    const after = decodeCursor(options.cursor, isPosition);
    const kinds = await kindsVisibleTo(this.roles, reader);
    const [rows, unreadCount] = await Promise.all([
      this.hot.rows<Row>(
        'notifications.feed',
        `select id, topic, kind, data, subject_type, subject_id, created_at, read_at from notifications
          where organization_id = $1 and user_id = $2 and kind = any($7::text[]) and (not $3 or read_at is null)
            and ($4::timestamptz is null or (created_at, id) < ($4, $5::uuid))
          order by created_at desc, id desc limit $6`,
        [reader.organizationId, reader.userId, options.unread, after?.at ?? null, after?.id ?? null, options.limit + 1, kinds],
      ),
      countUnread(this.hot, reader, kinds),
    ]);
    const page = rows.slice(0, options.limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => ({
        id: row.id,
        topic: row.topic,
        kind: row.kind,
        title: noticeTitle(row.kind, row.data),
        data: row.data,
        subject: row.subject_type && row.subject_id ? { type: row.subject_type, id: row.subject_id } : null,
        createdAt: row.created_at.toISOString(),
        readAt: row.read_at?.toISOString() ?? null,
      })),
      nextCursor: rows.length > options.limit && last ? encodeCursor({ at: last.created_at.toISOString(), id: last.id }) : null,
      unreadCount,
    };
  }
}
