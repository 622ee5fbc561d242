import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';

export interface MarkedRead {
  marked: number;
  unreadCount: number;
}

/** Marks one of the owner's notices read (`id`), or every one they have unread (`'all'`). */
export class MarkNotificationsReadCommand extends Command<MarkedRead> {
  constructor(
    readonly owner: { organizationId: string; userId: string },
    readonly reader: { role: string; scopes: readonly string[] | null },
    readonly which: { id: string } | 'all',
    readonly actor: Actor,
  ) {
    super();
  }
}
