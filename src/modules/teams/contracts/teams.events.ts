import { defineEvents, payload, z, type PayloadsOf } from '../../../shared/event-catalogue';

/** The teams module's event types. */
export const TEAMS_EVENTS = defineEvents('teams', {
  'team.created': {
    description: 'A team (or department) was created.',
    subject: ['team'],
    payload: payload({ name: z.string(), parentId: z.string().nullable().describe('the team it sits under') }),
  },
  'team.updated': {
    description: 'A team was renamed, described or moved under another parent.',
    subject: ['team'],
    payload: payload({ fields: z.array(z.string()).describe('name, description, parentId'), name: z.string(), parentId: z.string().nullable() }),
  },
  'team.archived': {
    description: 'A team was archived.',
    subject: ['team'],
    payload: payload({}),
  },
  'team.dashboard_saved': {
    description: "A team's dashboard layout was saved.",
    subject: ['team'],
    payload: payload({ widgets: z.number().int().describe('how many widgets the layout holds') }),
  },
  'team.member_added': {
    description: 'A user joined a team, as a member or as its lead; the team’s grants now reach them.',
    subject: ['team'],
    category: 'permission',
    payload: payload({
      userId: z.string(),
      lead: z.boolean(),
      via: z.literal('invitation').optional().describe('joined by accepting an invitation'),
    }),
  },
  'team.member_updated': {
    description: "A member's lead status changed.",
    subject: ['team'],
    category: 'permission',
    payload: payload({ userId: z.string(), lead: z.boolean() }),
  },
  'team.member_removed': {
    description: 'A user left a team; its grants no longer reach them.',
    subject: ['team'],
    category: 'permission',
    payload: payload({ userId: z.string(), via: z.literal('user_removed').optional().describe('the user was removed') }),
  },
});

declare module '../../../shared/event-catalogue' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface EventPayloads extends PayloadsOf<typeof TEAMS_EVENTS> {}
}
