import { Module } from '@nestjs/common';
import { AccessPolicyModule } from '../access-policy';
import { MarkNotificationsReadHandler } from './commands/mark-notifications-read/mark-notifications-read.handler';
import { InAppNotifications } from './contracts/in-app-notifications';
import { NotificationsController } from './http/notifications.controller';
import { ListNotificationsHandler } from './queries/list-notifications/list-notifications.handler';

/**
 * The in-app feed: the notices other modules deliver in their commands' transactions
 * (InAppNotifications), listed and marked read by their recipient. It knows no other module's
 * tables; whom to tell is the delivering module's to decide.
 */
@Module({
  imports: [AccessPolicyModule],
  controllers: [NotificationsController],
  providers: [InAppNotifications, ListNotificationsHandler, MarkNotificationsReadHandler],
  exports: [InAppNotifications],
})
export class NotificationsModule {}
