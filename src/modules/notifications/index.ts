export { NotificationsModule } from './notifications.module';
export { InAppNotifications } from './contracts/in-app-notifications';
export { NOTIFICATIONS_EVENTS } from './contracts/notifications.events';
export { noticeTitle, type Notice } from './domain/notice';
