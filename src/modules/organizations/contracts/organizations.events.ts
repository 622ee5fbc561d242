import { defineEvents, payload, z, type PayloadsOf } from '../../../shared/event-catalogue';

/** The organizations module's event types. */
export const ORGANIZATIONS_EVENTS = defineEvents('organizations', {
  'organization.created': {
    description: 'An organization (a tenant) was created, by the first start or by a platform operator.',
    subject: ['organization'],
    payload: payload({ slug: z.string(), name: z.string(), createdBy: z.string().nullable().describe('the platform operator; null at bootstrap') }),
  },
});

declare module '../../../shared/event-catalogue' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface EventPayloads extends PayloadsOf<typeof ORGANIZATIONS_EVENTS> {}
}
