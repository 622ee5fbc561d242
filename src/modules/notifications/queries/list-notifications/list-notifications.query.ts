import { Query } from '@nestjs/cqrs';
import type { Page } from '../../../../shared/pagination';
import type { FeedReader } from '../../infrastructure/feed-reader';

export interface NotificationView {
  id: string;
  topic: string;
  kind: string;
  title: string;
  data: Record<string, unknown>;
  subject: { type: string; id: string } | null;
  createdAt: string;
  readAt: string | null;
}

export type NotificationFeed = Page<NotificationView> & { unreadCount: number };

/** The reader's own feed, newest first; `unread` keeps only what they have not marked read. */
export class ListNotificationsQuery extends Query<NotificationFeed> {
  constructor(
    readonly reader: FeedReader,
    readonly options: { unread: boolean; cursor?: string; limit: number },
  ) {
    super();
  }
}
