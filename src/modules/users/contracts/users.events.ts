import { mailOutcomePayload } from '../../../infrastructure/mail/mail-outcome.events';
import { defineEvents, payload, z, type PayloadsOf } from '../../../shared/event-catalogue';

const role = z.string().describe('a built-in role (Administrator, Manager, Developer, Viewer) or a custom role');
const at = z.string().describe('RFC 3339');

/** The users module's event types. */
export const USERS_EVENTS = defineEvents('users', {
  'user.invited': {
    description: 'A user was invited by mail to join the organization with a role.',
    subject: ['user'],
    category: 'permission',
    payload: payload({ invitationId: z.string(), role, invitedBy: z.string().nullable().describe('the inviting user'), expiresAt: at }),
  },
  'user.created': {
    description: 'An account was created: invited, bootstrapped, or provisioned just in time by SSO.',
    subject: ['user'],
    category: 'permission',
    payload: payload({
      role,
      status: z.string().describe('the new account status (invited, active)'),
      via: z.string().describe('how: invitation, bootstrap, sso, …'),
      connectionId: z.string().optional().describe('the SAML connection (via sso)'),
    }),
  },
  'user.activated': {
    description: 'An invited account became active (its invitation was accepted, or its first SSO sign-in).',
    subject: ['user'],
    payload: payload({ via: z.literal('sso').optional(), connectionId: z.string().optional().describe('the SAML connection (via sso)') }),
  },
  'user.password_changed': {
    description: "A user's password was changed by the user, by a reset link, or after it expired.",
    subject: ['user'],
    category: 'security',
    payload: payload({ via: z.enum(['change', 'reset', 'expired']) }),
  },
  'user.profile_updated': {
    description: "A user's profile or preferences changed (the fields are named, never their values).",
    subject: ['user'],
    payload: payload({ fields: z.array(z.string()).describe('name, phone, timezone, locale, notificationPreferences') }),
  },
  'user.avatar_updated': {
    description: 'A user uploaded a new picture.',
    subject: ['user'],
    payload: payload({ contentType: z.string() }),
  },
  'user.avatar_removed': {
    description: "A user's picture was removed.",
    subject: ['user'],
    payload: payload({}),
  },
  'user.role_changed': {
    description: "A user's role changed; their old tokens end.",
    subject: ['user'],
    category: 'permission',
    payload: payload({ from: role, to: role }),
  },
  'user.deactivated': {
    description: 'A user was deactivated: they can no longer sign in and their sessions end.',
    subject: ['user'],
    category: 'permission',
    payload: payload({}),
  },
  'user.reactivated': {
    description: 'A deactivated user was reactivated.',
    subject: ['user'],
    category: 'permission',
    payload: payload({}),
  },
  'user.removed': {
    description: 'A user was removed and their personal data erased for good.',
    subject: ['user'],
    category: 'permission',
    payload: payload({}),
  },
  'invitation.resent': {
    description: 'An invitation was sent again with a new link and expiry.',
    subject: ['invitation'],
    payload: payload({ userId: z.string(), role, expiresAt: at }),
  },
  'invitation.revoked': {
    description: 'A pending invitation was revoked; its link no longer works.',
    subject: ['invitation'],
    payload: payload({ userId: z.string(), role }),
  },
  'invitation.expired': {
    description: 'A pending invitation expired unaccepted.',
    subject: ['invitation'],
    payload: payload({ userId: z.string(), expiresAt: at }),
  },
  'invitation.accepted': {
    description: 'An invitation was accepted: its user set a password and joined.',
    subject: ['invitation'],
    payload: payload({ userId: z.string() }),
  },
  'invitation.sent': {
    description: 'An invitation mail (or the first administrator’s setup mail) was delivered to the mail server.',
    subject: ['invitation', 'user'],
    payload: mailOutcomePayload,
  },
  'invitation.delivery_failed': {
    description: 'An invitation mail could not be delivered; delivery was given up.',
    subject: ['invitation', 'user'],
    payload: mailOutcomePayload,
  },
  'invitation.outcome_mail_sent': {
    description: 'The mail telling whoever sent invitations that they were accepted or expired (their preference invitationOutcomes) was delivered.',
    subject: ['invitation'],
    payload: mailOutcomePayload,
  },
  'invitation.outcome_mail_failed': {
    description: 'The mail telling whoever sent invitations that they were accepted or expired could not be delivered.',
    subject: ['invitation'],
    payload: mailOutcomePayload,
  },
  'platform.operator_granted': {
    description: 'An Administrator was made a platform operator (may create organizations and rotate signing keys).',
    subject: ['user'],
    category: 'permission',
    payload: payload({ grantedBy: z.string().nullable(), via: z.string().describe('how: bootstrap, grant, …') }),
  },
  'platform.operator_revoked': {
    description: "A platform operator's grant ended.",
    subject: ['user'],
    category: 'permission',
    payload: payload({ reason: z.string().describe('revoked, demoted, deactivated or removed') }),
  },
});

declare module '../../../shared/event-catalogue' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface EventPayloads extends PayloadsOf<typeof USERS_EVENTS> {}
}
