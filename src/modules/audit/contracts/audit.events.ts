import { mailOutcomePayload } from '../../../infrastructure/mail/mail-outcome.events';
import { defineEvents, payload, z, type PayloadsOf } from '../../../shared/event-catalogue';

/** The audit module's event types. */
export const AUDIT_EVENTS = defineEvents('audit', {
  'audit.retention_applied': {
    description: "Read-model rows older than the organization's retention were removed; the store keeps its events and a checkpoint at the boundary.",
    subject: ['organization'],
    payload: payload({
      retentionDays: z.number().int(),
      boundary: z.string().describe('RFC 3339: rows that occurred before it were removed'),
      checkpointSeq: z.number().int().nullable().describe('the retention checkpoint at the last event before the boundary'),
      deleted: z.record(z.string(), z.number().int()).describe('rows removed, per read model table'),
    }),
  },
  'audit.checkpoint_signed': {
    description: "A signed checkpoint of the organization's hash chain was made (its JWS is at GET /api/v1/audit/checkpoints).",
    subject: ['audit_checkpoint'],
    payload: payload({
      seq: z.number().int().describe('the last event the checkpoint covers'),
      hash: z.string().describe("that event's hash"),
      kid: z.string().describe('the signing key'),
      reason: z.string().describe('why: periodic, export, …'),
    }),
  },
  'audit.webhook_created': {
    description: 'A webhook that delivers audit events to another system was created.',
    subject: ['audit_webhook'],
    category: 'security',
    payload: payload({ url: z.string(), eventTypes: z.array(z.string()).describe('event types, prefixes such as auth.*, or *') }),
  },
  'audit.webhook_deleted': {
    description: 'An audit webhook was deleted.',
    subject: ['audit_webhook'],
    category: 'security',
    payload: payload({ url: z.string() }),
  },
  'audit.webhook_paused': {
    description: 'An audit webhook was paused after failing too many deliveries in a row.',
    subject: ['audit_webhook'],
    category: 'security',
    payload: payload({ url: z.string(), consecutiveFailures: z.number().int() }),
  },
  'audit.webhook_paused_mail_sent': {
    description: "The mail telling administrators that a webhook was paused was delivered.",
    subject: ['audit_webhook'],
    payload: mailOutcomePayload,
  },
  'audit.webhook_paused_mail_failed': {
    description: 'The mail telling administrators that a webhook was paused could not be delivered.',
    subject: ['audit_webhook'],
    payload: mailOutcomePayload,
  },
  'audit.weekly_digest_queued': {
    description: "The organization's weekly digest was mailed to the users who chose it (notification preference weeklyDigest): their own sign-ins, and the organization's week in counts for readers of the trail.",
    subject: ['organization'],
    payload: payload({
      weekStart: z.string().describe('RFC 3339: the Monday 00:00 UTC the week began'),
      recipients: z.number().int(),
    }),
  },
  'audit.weekly_digest_mail_sent': {
    description: 'A weekly digest mail was delivered to the mail server.',
    subject: ['organization'],
    payload: mailOutcomePayload,
  },
  'audit.weekly_digest_mail_failed': {
    description: 'A weekly digest mail could not be delivered; delivery was given up.',
    subject: ['organization'],
    payload: mailOutcomePayload,
  },
  'security.alert_raised': {
    description: 'The security detector opened an alert: a rule fired on the events behind it (GET /api/v1/audit/security-events/:id).',
    subject: ['security_alert'],
    category: 'security',
    payload: payload({
      rule: z.string().describe('the detection rule, e.g. failed_sign_ins_account'),
      severity: z.enum(['low', 'medium', 'high', 'critical']),
      key: z.object({ type: z.enum(['user', 'ip']), value: z.string() }).describe('what the alert is about: a user id or an IP address'),
      summary: z.string(),
      eventCount: z.number().int(),
      eventIds: z.array(z.string()).describe('the newest 50 events behind it'),
    }),
  },
  'security.alert_events_added': {
    description: 'More events of the same rule and key joined an unresolved alert (one event per alert and detector pass).',
    subject: ['security_alert'],
    category: 'security',
    payload: payload({ added: z.number().int(), eventCount: z.number().int(), eventIds: z.array(z.string()).describe('the newest 50 added') }),
  },
  'security.alert_acknowledged': {
    description: 'Someone took a security alert in hand.',
    subject: ['security_alert'],
    category: 'security',
    payload: payload({ rule: z.string(), severity: z.string(), note: z.string().nullable() }),
  },
  'security.alert_resolved': {
    description: 'Someone resolved a security alert.',
    subject: ['security_alert'],
    category: 'security',
    payload: payload({ rule: z.string(), severity: z.string(), from: z.enum(['open', 'acknowledged']), note: z.string().nullable() }),
  },
  'security.alert_mail_sent': {
    description: 'The mail telling an administrator of new security alerts was delivered.',
    subject: ['security_alert'],
    payload: mailOutcomePayload,
  },
  'security.alert_mail_failed': {
    description: 'The mail telling an administrator of new security alerts could not be delivered.',
    subject: ['security_alert'],
    payload: mailOutcomePayload,
  },
  'security.alert_mail_queued': {
    description:
      'The alerts waiting for a mail were mailed to the Administrators who want security mail: at once after a quiet spell, or as one digest at the end of SECURITY_ALERT_MAIL_INTERVAL_SECONDS (a critical alert does not wait).',
    subject: ['organization'],
    category: 'security',
    payload: payload({
      alertIds: z.array(z.string()).describe('the alerts the mail tells of (the first 50)'),
      alertCount: z.number().int(),
      recipients: z.number().int().describe('Administrators mailed'),
    }),
  },
});

declare module '../../../shared/event-catalogue' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface EventPayloads extends PayloadsOf<typeof AUDIT_EVENTS> {}
}
