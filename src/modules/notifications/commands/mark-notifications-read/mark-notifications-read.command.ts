import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { FeedReader } from '../../infrastructure/feed-reader';

export interface MarkedRead {
  marked: number;
  unreadCount: number;
}

/** Marks one of the reader's notices read (`id`), or every one they have unread (`'all'`). */
export class MarkNotificationsReadCommand extends Command<MarkedRead> {
  constructor(
    readonly reader: FeedReader,
    readonly which: { id: string } | 'all',
    readonly actor: Actor,
  ) {
    super();
  }
}
