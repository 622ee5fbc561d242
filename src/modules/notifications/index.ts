export { NotificationsModule } from './notifications.module';
export { InAppNotifications } from './contracts/in-app-notifications';
export { NOTIFICATIONS_EVENTS } from './contracts/notifications.events';
export { noticeTitle, type Notice } from './domain/notice';
export { ListNotificationsQuery } from './queries/list-notifications/list-notifications.query';
export { CountUnreadNotificationsQuery } from './queries/count-unread/count-unread.query';
export { MarkNotificationsReadCommand } from './commands/mark-notifications-read/mark-notifications-read.command';
