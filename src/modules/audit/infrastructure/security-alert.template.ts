import { escapeHtml } from '../../../infrastructure/mail/escape-html';
import type { MailData, RenderedMail } from '../../../infrastructure/mail/mail-templates';

export const SECURITY_ALERT_TEMPLATE = 'audit_security_alert';

export interface AlertMailItem {
  title: string;
  severity: string;
  summary: string;
  link: string;
}

function isItem(value: unknown): value is AlertMailItem {
  const item = value as Partial<AlertMailItem> | null;
  return typeof item === 'object' && item !== null && [item.title, item.severity, item.summary, item.link].every((field) => typeof field === 'string');
}

/**
 * Tells an administrator of the alerts one pass of the detector opened: rule, severity, a
 * sentence and a link to each; never a token, a password or a payload.
 */
export function renderSecurityAlert(data: MailData): RenderedMail {
  const alerts = Array.isArray(data.alerts) ? data.alerts.filter(isItem) : [];
  if (!alerts.length) throw new Error('a security-alert mail needs its alerts');
  const more = typeof data.more === 'number' && data.more > 0 ? data.more : 0;
  const first = alerts[0];
  const count = alerts.length + more;
  const subject = count === 1 ? `Security alert (${first.severity}): ${first.title}` : `${count} new security alerts, the first ${first.severity}: ${first.title}`;
  const moreLine = more ? `…and ${more} more: see GET /api/v1/audit/security-events?status=open` : null;
  return {
    subject,
    text: [
      count === 1 ? 'Gatehouse raised a security alert in your organization.' : `Gatehouse raised ${count} security alerts in your organization.`,
      '',
      ...alerts.flatMap((alert) => [`[${alert.severity}] ${alert.title}`, `  ${alert.summary}`, `  ${alert.link}`, '']),
      ...(moreLine ? [moreLine, ''] : []),
      'Acknowledge or resolve an alert once someone looks into it. You get this mail because you chose security alerts in your notification preferences.',
      '',
    ].join('\n'),
    html: [
      `<p>${count === 1 ? 'Gatehouse raised a security alert in your organization.' : `Gatehouse raised ${count} security alerts in your organization.`}</p>`,
      '<ul>',
      ...alerts.map(
        (alert) =>
          `<li><strong>[${escapeHtml(alert.severity)}] ${escapeHtml(alert.title)}</strong><br>${escapeHtml(alert.summary)}<br><a href="${escapeHtml(alert.link)}">${escapeHtml(alert.link)}</a></li>`,
      ),
      '</ul>',
      ...(moreLine ? [`<p>${escapeHtml(moreLine)}</p>`] : []),
      '<p>Acknowledge or resolve an alert once someone looks into it. You get this mail because you chose security alerts in your notification preferences.</p>',
    ].join('\n'),
  };
}
