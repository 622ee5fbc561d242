import { escapeHtml } from '../../../infrastructure/mail/escape-html';
import type { MailData, RenderedMail } from '../../../infrastructure/mail/mail-templates';

export const WEBHOOK_PAUSED_TEMPLATE = 'audit_webhook_paused';

/** Tells an administrator that events stopped flowing to a webhook target. */
export function renderWebhookPaused(data: MailData): RenderedMail {
  if (typeof data.url !== 'string') throw new Error('a webhook-paused mail needs the url');
  const failures = typeof data.consecutiveFailures === 'number' ? data.consecutiveFailures : 0;
  return {
    subject: 'An audit webhook was paused',
    text: [
      `Gatehouse paused the audit webhook to ${data.url} after ${failures} failed deliveries in a row.`,
      'Events are no longer sent to it. Fix the receiver, then create the webhook again.',
      '',
    ].join('\n'),
    html: [
      `<p>Gatehouse paused the audit webhook to <code>${escapeHtml(data.url)}</code> after ${failures} failed deliveries in a row.</p>`,
      '<p>Events are no longer sent to it. Fix the receiver, then create the webhook again.</p>',
    ].join('\n'),
  };
}
