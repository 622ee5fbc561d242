import { escapeHtml } from '../../../infrastructure/mail/escape-html';
import type { MailData, RenderedMail } from '../../../infrastructure/mail/mail-templates';

export const MFA_RESET_TEMPLATE = 'mfa_reset';

/** Tells a user an administrator removed their second factor: if they did not ask, it is an alarm. */
export function renderMfaReset(data: MailData): RenderedMail {
  const organization = typeof data.organizationName === 'string' ? data.organizationName : 'your organization';
  return {
    subject: `Your two-factor authentication at ${organization} was reset`,
    text: [
      `An administrator of ${organization} removed the two-factor authentication from your Gatehouse account.`,
      'You can sign in with your password alone until you set it up again under your account settings.',
      'If you did not ask for this, tell your administrator or security team at once.',
      '',
    ].join('\n'),
    html: [
      `<p>An administrator of <strong>${escapeHtml(organization)}</strong> removed the two-factor authentication from your Gatehouse account.</p>`,
      '<p>You can sign in with your password alone until you set it up again under your account settings.</p>',
      '<p>If you did not ask for this, tell your administrator or security team at once.</p>',
    ].join('\n'),
  };
}
