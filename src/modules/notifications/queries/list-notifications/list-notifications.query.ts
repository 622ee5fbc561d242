import { Query } from '@nestjs/cqrs';
import type { Page } from '../../../../shared/pagination';

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

/**
 * The caller's own feed, newest first; `unread` keeps only what they have not marked read.
 * `reader`: the caller's role and, for an API key, its scopes, which decide the kinds shown.
 */
export class ListNotificationsQuery extends Query<NotificationFeed> {
  constructor(
    readonly owner: { organizationId: string; userId: string },
    readonly reader: { role: string; scopes: readonly string[] | null },
    readonly options: { unread: boolean; cursor?: string; limit: number },
  ) {
    super();
  }
}
