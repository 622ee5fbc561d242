import { Module } from '@nestjs/common';
import { AccessPolicyModule } from '../access-policy';
import { MarkNotificationsReadHandler } from './commands/mark-notifications-read/mark-notifications-read.handler';
import { PruneNotificationsHandler } from './commands/prune-notifications/prune-notifications.handler';
import { InAppNotifications } from './contracts/in-app-notifications';
import { NotificationPruner } from './jobs/notification-pruner';
import { NotificationsController } from './http/notifications.controller';
import { CountUnreadNotificationsHandler } from './queries/count-unread/count-unread.handler';
import { ListNotificationsHandler } from './queries/list-notifications/list-notifications.handler';

/**
 * The in-app feed: the notices other modules deliver in their commands' transactions
 * (InAppNotifications), listed and marked read by their recipient, and deleted by the workers
 * past NOTIFICATION_RETENTION_DAYS. It knows no other module's tables; whom to tell is the
 * delivering module's to decide.
 */
@Module({
  imports: [AccessPolicyModule],
  controllers: [NotificationsController],
  providers: [InAppNotifications, ListNotificationsHandler, CountUnreadNotificationsHandler, MarkNotificationsReadHandler, PruneNotificationsHandler, NotificationPruner],
  exports: [InAppNotifications],
})
export class NotificationsModule {}
