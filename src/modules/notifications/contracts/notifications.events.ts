import { defineEvents, payload, z, type PayloadsOf } from '../../../shared/event-catalogue';

/** Ids named in a `notification.read` event; `count` says how many were marked. */
export const READ_IDS_IN_PAYLOAD = 50;

/** The notifications module's event types. */
export const NOTIFICATIONS_EVENTS = defineEvents('notifications', {
  'notification.read': {
    description: 'A user marked notices of their in-app feed read: one, or all they had unread.',
    subject: ['user'],
    leavesUserCachesValid: true,
    payload: payload({
      all: z.boolean().describe('every unread notice at once'),
      count: z.number().int().describe('notices marked read'),
      notificationIds: z.array(z.string()).describe(`the first ${READ_IDS_IN_PAYLOAD} of them`),
    }),
  },
  'notification.pruned': {
    description: 'In-app notices older than NOTIFICATION_RETENTION_DAYS were deleted, read or not (one event a batch of at most 10,000).',
    subject: ['organization'],
    payload: payload({ before: z.string().describe('RFC 3339: notices created before it went'), count: z.number().int() }),
  },
});

declare module '../../../shared/event-catalogue' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface EventPayloads extends PayloadsOf<typeof NOTIFICATIONS_EVENTS> {}
}
