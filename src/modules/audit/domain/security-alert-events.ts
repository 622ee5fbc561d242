/** The events security detection records about its alerts (none of them is read by the detector). */
export const SECURITY_ALERT_EVENTS = {
  /** An alert was opened: `rule`, `severity`, `key` { type, value }, `summary`, `eventCount`, `eventIds` (the newest 50). */
  raised: 'security.alert_raised',
  /** More events joined an unresolved alert of the same rule and key: `added`, `eventCount`, `eventIds`. */
  eventsAdded: 'security.alert_events_added',
  /** Someone took the alert in hand: `rule`, `severity`, `note`. */
  acknowledged: 'security.alert_acknowledged',
  /** Someone closed the alert: `rule`, `severity`, `from` (open or acknowledged), `note`. */
  resolved: 'security.alert_resolved',
  /** The alerts waiting for a mail were mailed (at once, or as a digest): `alertIds`, `alertCount`, `recipients`. */
  mailQueued: 'security.alert_mail_queued',
  /** The alert mail reached an administrator's mail server, or was given up. */
  mailSent: 'security.alert_mail_sent',
  mailFailed: 'security.alert_mail_failed',
} as const;
