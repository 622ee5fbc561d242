import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { NotFoundError } from '../../../../shared/domain-error';
import { RoleCatalogue } from '../../../access-policy';
import { READ_IDS_IN_PAYLOAD } from '../../contracts/notifications.events';
import { countUnread, kindsVisibleTo } from '../../infrastructure/feed-reader';
import { MarkNotificationsReadCommand, type MarkedRead } from './mark-notifications-read.command';

/**
 * One statement marks what is still unread, so concurrent requests mark each notice once and
 * only the request that marked something records `notification.read`. A notice that is not
 * the caller's is a 404, whoever's it is; one already read is answered as marked 0. The
 * unread count answered is the feed's: of the kinds the caller may see.
 */
@CommandHandler(MarkNotificationsReadCommand)
export class MarkNotificationsReadHandler implements ICommandHandler<MarkNotificationsReadCommand, MarkedRead> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly roles: RoleCatalogue,
    private readonly clock: Clock,
  ) {}

  async execute({ reader, which, actor }: MarkNotificationsReadCommand): Promise<MarkedRead> {
    const { organizationId, userId } = reader;
    const one = which === 'all' ? null : which.id;
    // read before the transaction (cached): its work asks the pool for no second connection
    const kinds = await kindsVisibleTo(this.roles, reader);
    const { result } = await this.uow.runStatements({ actor, organizationId }, async (context) => {
      const marked = await context.rows<{ id: string }>(
        'notifications.mark_read',
        `update notifications set read_at = $3
          where organization_id = $1 and user_id = $2 and read_at is null and ($4::uuid is null or id = $4)
          returning id`,
        [organizationId, userId, this.clock.now(), one],
      );
      if (one && !marked.length) {
        const [mine] = await context.rows('notifications.is_mine', 'select 1 from notifications where organization_id = $1 and user_id = $2 and id = $3', [organizationId, userId, one]);
        if (!mine) throw new NotFoundError('Notification');
      }
      if (marked.length) {
        context.record({
          type: 'notification.read',
          organizationId,
          subject: { type: 'user', id: userId },
          payload: { all: one === null, count: marked.length, notificationIds: marked.slice(0, READ_IDS_IN_PAYLOAD).map((row) => row.id) },
        });
      }
      return { marked: marked.length, unreadCount: await countUnread(context, reader, kinds) };
    });
    return result;
  }
}
