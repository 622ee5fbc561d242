import { defineEvents, payload, z, type PayloadsOf } from '../../../shared/event-catalogue';

const changedFields = z.strictObject({
  name: z.string().optional(),
  slug: z.string().optional(),
  auditRetentionDays: z.number().int().nullable().optional().describe('days the audit read models keep; null: forever'),
});

/** The organizations module's event types. */
export const ORGANIZATIONS_EVENTS = defineEvents('organizations', {
  'organization.created': {
    description: 'An organization (a tenant) was created, by the first start or by a platform operator.',
    subject: ['organization'],
    payload: payload({ slug: z.string(), name: z.string(), createdBy: z.string().nullable().describe('the platform operator; null at bootstrap') }),
  },
  'organization.updated': {
    description: "The organization's name, slug or settings (such as its audit retention) changed.",
    subject: ['organization'],
    category: 'permission',
    payload: payload({
      changed: z.array(z.enum(['name', 'slug', 'auditRetentionDays'])).describe('the fields that changed'),
      before: changedFields.describe('the changed fields as they were'),
      after: changedFields.describe('the changed fields as they are now'),
      updatedBy: z.string().nullable().describe('the user who changed them; null for the system'),
    }),
  },
});

declare module '../../../shared/event-catalogue' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface EventPayloads extends PayloadsOf<typeof ORGANIZATIONS_EVENTS> {}
}
