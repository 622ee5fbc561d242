import { ALERT_SEVERITIES, type AlertSeverity } from './security-rules';

/** Alerts listed in one mail; the rest are counted. */
export const ALERTS_IN_MAIL = 10;

/** An unresolved alert no administrator was mailed about yet. */
export interface WaitingAlert {
  id: string;
  rule: string;
  severity: AlertSeverity;
  summary: string;
}

/**
 * Whether the alerts waiting for a mail go now: the first after a quiet spell at once, those
 * raised within `intervalSeconds` of the organization's last alert mail together at its end
 * (a digest), a critical one at once with whatever waits beside it. An alert storm — an address
 * trying account after account, a detector catching up on a backlog — is then one mail an
 * interval, not one a pass.
 */
export function alertMailDue(waiting: readonly WaitingAlert[], lastMailedAt: Date | null, now: Date, intervalSeconds: number): boolean {
  if (!waiting.length) return false;
  if (waiting.some((alert) => alert.severity === 'critical')) return true;
  return lastMailedAt === null || now.getTime() - lastMailedAt.getTime() >= intervalSeconds * 1000;
}

/** The alerts a mail lists, the most severe first (the oldest first within a severity), and how many more it only counts. */
export function alertsToList(waiting: readonly WaitingAlert[]): { listed: WaitingAlert[]; more: number } {
  const rank = (severity: AlertSeverity) => -ALERT_SEVERITIES.indexOf(severity);
  const ordered = [...waiting].sort((a, b) => rank(a.severity) - rank(b.severity));
  return { listed: ordered.slice(0, ALERTS_IN_MAIL), more: Math.max(0, ordered.length - ALERTS_IN_MAIL) };
}
