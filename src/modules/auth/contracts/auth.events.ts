import { mailOutcomePayload } from '../../../infrastructure/mail/mail-outcome.events';
import { defineEvents, jsonObject, payload, z, type PayloadsOf } from '../../../shared/event-catalogue';

const severity = z.enum(['low', 'medium', 'high']).describe('how urgently a security team should look');
const method = z.enum(['password', 'password_mfa', 'invitation', 'sso', 'sso_mfa', 'api_key']).describe('how the user signed in');
const mfaMethod = z.enum(['totp', 'recovery_code']);
const connectionId = z.string().describe('the SAML connection');

/** The auth module's event types: sign-in, MFA, sessions, API keys, SSO and lockout. */
export const AUTH_EVENTS = defineEvents('auth', {
  'auth.login_succeeded': {
    description: 'A user signed in and a session started.',
    subject: ['user'],
    category: 'login',
    payload: payload({
      method,
      sessionId: z.string(),
      connectionId: connectionId.optional(),
      // the security detector judges the sign-in by it (an Administrator's new address), as it was then: no read of the user, and a replay judges the same
      role: z.string().optional().describe('the role the session was started with (recorded since December 2026)'),
    }),
  },
  'auth.api_key_used': {
    description: "An API key was used to call the API; recorded at most once an hour per key and address, not per request.",
    subject: ['user'],
    category: 'login',
    leavesUserCachesValid: true,
    payload: payload({
      method: z.literal('api_key'),
      apiKeyId: z.string(),
      onceEverySeconds: z.number().int().describe('the key and address are not recorded again for this long'),
    }),
  },
  'auth.login_failed': {
    description: 'A sign-in (password, SSO, MFA step or API key) was refused; the reason says why.',
    subject: ['user'],
    category: 'login',
    leavesUserCachesValid: true,
    payload: payload({
      method,
      reason: z.string().describe('e.g. bad_password, unknown_user, account_deactivated, locked, sso_only, ip_restricted, an SSO validation failure'),
      failures: z.number().int().optional().describe('consecutive failures counted for the account and address'),
      scope: z.string().optional().describe('the lock that refused (reason locked)'),
      sampled: z
        .strictObject({ refused: z.number().int(), windowSeconds: z.number().int() })
        .optional()
        .describe('refusals while locked are recorded as samples: this one stands for `refused` of the window'),
      connectionId: connectionId.optional(),
      detail: z.string().optional().describe('what the SAML validation found (method sso)'),
      apiKeyId: z.string().optional().describe('the API key refused (method api_key)'),
    }),
  },
  'auth.mfa_challenged': {
    description: 'A correct first factor was answered with a second-factor step (a TOTP challenge, or enrolment when the role requires MFA).',
    subject: ['user'],
    category: 'login',
    leavesUserCachesValid: true,
    payload: payload({ method, enrolmentRequired: z.boolean() }),
  },
  'auth.mfa_failed': {
    description: 'A wrong MFA code was given, at sign-in or to re-verify a sensitive change.',
    subject: ['user'],
    category: 'login',
    leavesUserCachesValid: true,
    payload: payload({
      purpose: z.string().describe('sign_in, or the change being re-verified').meta({ examples: ['sign_in'] }),
      attempts: z.number().int().optional().describe("the challenge's wrong codes so far (sign_in)"),
      challengeEnded: z.boolean().optional().describe('the challenge can no longer be answered (sign_in)'),
    }),
  },
  'auth.mfa_verified': {
    description: 'A correct MFA code completed a sign-in.',
    subject: ['user'],
    category: 'login',
    payload: payload({ method: mfaMethod }),
  },
  'auth.password_expired': {
    description: "A sign-in was stopped to choose a new password, as the organization's password expiry requires.",
    subject: ['user'],
    category: 'login',
    payload: payload({ expiryDays: z.number().int() }),
  },
  'auth.password_reset_requested': {
    description: 'A password reset link was asked for (whether the address is known is told only here, not to the asker).',
    subject: ['user'],
    category: 'security',
    payload: payload({ sent: z.boolean().describe('a reset mail is on its way (the address belongs to an active account)') }),
  },
  'auth.password_reset_mail_sent': {
    description: 'A password reset mail was delivered to the mail server.',
    subject: ['user'],
    payload: mailOutcomePayload,
  },
  'auth.password_reset_mail_failed': {
    description: 'A password reset mail could not be delivered.',
    subject: ['user'],
    payload: mailOutcomePayload,
  },
  'auth.token_refreshed': {
    description: "A session's refresh token was spent for new tokens.",
    subject: ['user'],
    leavesUserCachesValid: true,
    payload: payload({ sessionId: z.string() }),
  },
  'auth.account_unlocked': {
    description: "An administrator cleared an account's sign-in locks.",
    subject: ['user'],
    category: 'security',
    payload: payload({ wasLocked: z.boolean() }),
  },
  'auth.user_data_erased': {
    description: "After a user's removal, what sign-in kept about them (sessions' addresses, keys, second factor, password history) was erased.",
    subject: ['user'],
    payload: payload({
      sessions: z.number().int(),
      apiKeys: z.number().int(),
      records: z.number().int().describe('second-factor, recovery-code, password-history and challenge records deleted'),
      removalEventId: z.string().describe('the user.removed event this follows'),
    }),
  },
  'mfa.enrollment_started': {
    description: 'A user started enrolling a TOTP authenticator.',
    subject: ['user'],
    category: 'security',
    payload: payload({}),
  },
  'mfa.enabled': {
    description: 'A user confirmed a TOTP authenticator: MFA is on for them.',
    subject: ['user'],
    category: 'security',
    payload: payload({ method: z.literal('totp') }),
  },
  'mfa.disabled': {
    description: 'A user turned MFA off, confirming with a code.',
    subject: ['user'],
    category: 'security',
    payload: payload({ confirmedWith: mfaMethod }),
  },
  'mfa.recovery_codes_regenerated': {
    description: 'A user made new recovery codes; the old ones stopped working.',
    subject: ['user'],
    category: 'security',
    payload: payload({ confirmedWith: mfaMethod }),
  },
  'mfa.reset': {
    description: "An administrator reset a user's MFA; open challenges and reset links ended.",
    subject: ['user'],
    category: 'security',
    payload: payload({ hadMfa: z.boolean(), endedChallenges: z.number().int(), severity }),
  },
  'mfa.reset_notice_sent': {
    description: 'The mail telling a user their MFA was reset was delivered.',
    subject: ['user'],
    payload: mailOutcomePayload,
  },
  'mfa.reset_notice_failed': {
    description: 'The mail telling a user their MFA was reset could not be delivered.',
    subject: ['user'],
    payload: mailOutcomePayload,
  },
  'session.revoked': {
    description: 'A session ended before its time: signed out, revoked by its user or an administrator, or ended by a change to the account.',
    subject: ['user'],
    category: 'login',
    payload: payload({
      sessionId: z.string(),
      reason: z.string().describe('logout, revoked_by_user, revoked_by_admin, password_changed, user_deactivated, user_removed, refresh_token_reused, mfa_required, …'),
    }),
  },
  'api_key.created': {
    description: 'A user created a personal API key.',
    subject: ['user'],
    category: 'security',
    payload: payload({ apiKeyId: z.string(), name: z.string(), scopes: z.array(z.string()), expiresAt: z.string().describe('RFC 3339') }),
  },
  'api_key.revoked': {
    description: 'A personal API key was revoked by its owner or an administrator.',
    subject: ['user'],
    category: 'security',
    payload: payload({ apiKeyId: z.string(), by: z.enum(['owner', 'administrator']) }),
  },
  'security.account_locked': {
    description: 'Too many failed proofs locked an account (for an address, everywhere, its MFA step or re-verification) or an address.',
    subject: ['user'],
    category: 'security',
    leavesUserCachesValid: true,
    payload: payload({
      scope: z.string().nullable().describe('account_address, account, mfa, reverification or ip'),
      lockedForSeconds: z.number().int(),
      failures: z.number().int(),
      severity,
    }),
  },
  'security.refresh_token_reused': {
    description: 'A refresh token that had already been spent was presented again: the whole session was revoked (a sign of token theft).',
    subject: ['user'],
    category: 'security',
    payload: payload({ sessionId: z.string(), severity, spentAt: z.string().describe('RFC 3339: when it was first spent') }),
  },
  'signing_key.rotated': {
    description: 'A platform operator rotated the token signing key; the previous key keeps verifying, older ones retire.',
    subject: ['signing_key'],
    category: 'security',
    payload: payload({ kid: z.string().describe('the new key'), retired: z.array(z.string()).describe('keys no longer accepted') }),
  },
  'sso.settings_changed': {
    description: "The organization's SAML connection settings were created or changed (certificates by fingerprint).",
    subject: ['saml_connection'],
    category: 'security',
    payload: payload({
      before: jsonObject().nullable().describe('the settings before; null when created'),
      after: jsonObject().describe('the settings after'),
      sha1Switched: z.boolean().optional().describe('SHA-1 signatures were switched on (true) or off'),
    }),
  },
  'sso.certificate_expiring': {
    description: "A certificate of the SAML connection (the IdP's or ours) expires soon.",
    subject: ['saml_connection'],
    category: 'security',
    payload: payload({
      certificates: z.array(z.strictObject({ fingerprint: z.string(), owner: z.enum(['idp', 'sp']), expiresAt: z.string() })),
    }),
  },
  'sso.certificate_warning_sent': {
    description: 'The mail warning administrators of an expiring SAML certificate was delivered.',
    subject: ['saml_connection'],
    payload: mailOutcomePayload,
  },
  'sso.certificate_warning_failed': {
    description: 'The mail warning administrators of an expiring SAML certificate could not be delivered.',
    subject: ['saml_connection'],
    payload: mailOutcomePayload,
  },
  'sso.connection_tested': {
    description: 'An administrator tested the SAML connection with a real sign-in at the IdP; nobody was signed in.',
    subject: ['saml_connection'],
    payload: payload({
      testId: z.string(),
      refusal: z.string().nullable().describe('why the account would be refused, if it would'),
      wouldProvision: z.boolean(),
    }),
  },
  'sso.assertion_accepted': {
    description: 'A SAML assertion passed every check and signed its user in.',
    subject: ['user'],
    category: 'login',
    payload: payload({
      connectionId,
      identityId: z.string(),
      authnContext: z.string().nullable().describe("the IdP's AuthnContextClassRef"),
      mfaByIdp: z.boolean().describe('the IdP attested MFA'),
    }),
  },
  'sso.identity_linked': {
    description: 'An IdP identity (NameID) was linked to an account: provisioned, or an existing or invited account matched by email.',
    subject: ['user'],
    category: 'security',
    payload: payload({ identityId: z.string(), connectionId, how: z.enum(['provisioned', 'linked_existing', 'linked_invited']) }),
  },
  'sso.identity_unlinked': {
    description: 'An IdP identity was unlinked from an account by its user or an administrator.',
    subject: ['user'],
    category: 'security',
    payload: payload({ identityId: z.string(), connectionId, by: z.enum(['user', 'admin']) }),
  },
  'sso.role_mapped': {
    description: "The IdP's groups gave a user a role at sign-in (or would have, but the last Administrator was kept).",
    subject: ['user'],
    category: 'permission',
    payload: payload({ connectionId, role: z.string(), outcome: z.enum(['changed', 'kept_last_administrator']) }),
  },
  'sso.groups_changed': {
    description: "The groups the IdP sends for a user changed since their last sign-in.",
    subject: ['user'],
    payload: payload({ connectionId, before: z.array(z.string()).nullable().describe('null: first sign-in'), after: z.array(z.string()) }),
  },
});

declare module '../../../shared/event-catalogue' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface EventPayloads extends PayloadsOf<typeof AUTH_EVENTS> {}
}
