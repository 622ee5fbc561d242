import { defineEvents, jsonObject, payload, z, type PayloadsOf } from '../../../shared/event-catalogue';

const severity = z.enum(['low', 'medium', 'high']).describe('how urgently a security team should look');
const stage = z.enum(['sign_in', 'refresh', 'request']).describe('where the credential was being used');
const rule = z
  .object({ policy: z.string().describe('the policy section'), indexes: z.array(z.number().int()).describe('its entries that decided') })
  .nullable()
  .describe('the policy entries that decided');
const sampled = z
  .object({ count: z.number().int().describe('occurrences in the window so far'), windowSeconds: z.number().int() })
  .optional()
  .describe('on requests: this event stands for `count` occurrences (the 1st, 10th, 100th… of a window)');
const permissions = z.array(z.string()).describe('permission names of the catalogue (GET /api/v1/permissions)');
const grant = {
  actions: z.array(z.string()).describe('actions granted'),
  expiresAt: z.string().nullable().describe('RFC 3339; null: no expiry'),
};

/** The access-policy module's event types. */
export const ACCESS_POLICY_EVENTS = defineEvents('access-policy', {
  'access.denied': {
    description: 'A request or action was refused because the caller lacks a permission or may not act on that record.',
    subject: ['user'],
    category: 'security',
    payload: payload({
      userId: z.string().describe('who was refused'),
      method: z.string().describe('HTTP method, or the command'),
      route: z.string().describe('the route or action refused'),
      required: permissions.describe('the permissions that were missing'),
      code: z.string().describe('the refusal code, e.g. ACCESS.MISSING_PERMISSION'),
    }),
  },
  'access.ip_refused': {
    description: "A user was refused because the client address is outside the organization's IP allow-list.",
    subject: ['user'],
    category: 'security',
    payload: payload({ stage, ip: z.string().nullable(), rule, detail: z.string().describe('the refusal in one sentence'), severity, sampled }),
  },
  'access.outside_window': {
    description: "A user was refused because the time is outside every access window of the organization's policy that applies to them.",
    subject: ['user'],
    category: 'security',
    payload: payload({ stage, ip: z.string().nullable(), rule, detail: z.string().describe('the refusal in one sentence'), severity, sampled }),
  },
  'access.break_glass_used': {
    description: 'A break-glass user passed restrictions (IP allow-list, access windows, SSO-only) that would have refused anyone else.',
    subject: ['user'],
    category: 'security',
    payload: payload({
      stage,
      bypassed: z.array(z.string()).describe('the restrictions passed: ip_restricted, outside_access_window, sso_only'),
      ip: z.string().nullable(),
      rule,
      severity,
      sampled,
    }),
  },
  'policy.updated': {
    description: "The organization's policies (password, session, MFA, IP allow-list, access windows, break-glass, SSO-only) were changed.",
    subject: ['policy'],
    category: 'permission',
    payload: payload({
      changedSections: z.array(z.string()).describe('the sections that changed'),
      before: jsonObject().describe('the whole policy document before'),
      after: jsonObject().describe('the whole policy document after'),
      selfLockoutConfirmed: z.literal(true).optional().describe('saved although it refuses the administrator who saved it'),
    }),
  },
  'role.created': {
    description: 'A custom role was created.',
    subject: ['role'],
    category: 'permission',
    payload: payload({ name: z.string(), permissions }),
  },
  'role.updated': {
    description: "A custom role's permissions changed; its holders' abilities change with it.",
    subject: ['role'],
    category: 'permission',
    payload: payload({ name: z.string(), added: permissions, removed: permissions }),
  },
  'role.deleted': {
    description: 'A custom role was deleted; its holders, if any, were given the replacement role.',
    subject: ['role'],
    category: 'permission',
    payload: payload({
      name: z.string(),
      replacement: z.string().nullable().describe('the role its holders were given'),
      reassignedUsers: z.number().int().describe('how many holders were reassigned'),
    }),
  },
  'resource.registered': {
    description: 'A resource of another service was registered so that permissions can be granted on it.',
    subject: ['resource'],
    payload: payload({ type: z.string(), externalId: z.string().describe("the calling service's own id"), teamId: z.string().nullable() }),
  },
  'resource.updated': {
    description: "A resource's name or owning team changed.",
    subject: ['resource'],
    payload: payload({ fields: z.array(z.string()).describe('the fields that changed'), teamId: z.string().nullable() }),
  },
  'resource.deleted': {
    description: 'A resource was deleted, and every grant on it with it.',
    subject: ['resource'],
    category: 'permission',
    payload: payload({ type: z.string(), externalId: z.string() }),
  },
  'resource.permissions_set': {
    description: "A resource's whole set of grants (to users, teams or roles) was replaced.",
    subject: ['resource'],
    category: 'permission',
    payload: payload({
      grants: z.array(
        z.strictObject({
          principal: z.strictObject({ type: z.enum(['user', 'team', 'role']), id: z.string() }),
          ...grant,
        }),
      ),
      removed: z.number().int().describe('grants replaced'),
    }),
  },
  'team.permissions_set': {
    description: "A team's whole set of grants on resources was replaced; they reach its members and the teams under it.",
    subject: ['team'],
    category: 'permission',
    payload: payload({
      grants: z.array(z.strictObject({ resourceId: z.string(), ...grant })),
      removed: z.number().int().describe('grants replaced'),
    }),
  },
});

declare module '../../../shared/event-catalogue' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface EventPayloads extends PayloadsOf<typeof ACCESS_POLICY_EVENTS> {}
}
