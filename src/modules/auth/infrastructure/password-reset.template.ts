import { escapeHtml } from '../../../infrastructure/mail/escape-html';
import type { MailData, RenderedMail } from '../../../infrastructure/mail/mail-templates';

export const PASSWORD_RESET_TEMPLATE = 'password_reset';

function field(data: MailData, key: string): string {
  const value = data[key];
  if (typeof value !== 'string' || !value) throw new Error(`password reset mail: ${key} must be a non-empty string`);
  return value;
}

/** The "forgot password" mail: a single-use link, valid for a short while. */
export function renderPasswordReset(data: MailData): RenderedMail {
  const organization = field(data, 'organizationName');
  const link = field(data, 'link');
  if (!/^https?:\/\//.test(link)) throw new Error('password reset mail: link must be an http(s) URL');
  const minutes = Number(data.validMinutes ?? 30);
  return {
    subject: `Reset your ${organization} password on Gatehouse`,
    text: [
      `Someone asked to reset the password of your ${organization} account on Gatehouse.`,
      `Use this link within ${minutes} minutes; it works once:`,
      link,
      '',
      'If you did not ask for this, ignore this mail: your password stays as it is.',
      '',
    ].join('\n'),
    html: [
      `<p>Someone asked to reset the password of your <strong>${escapeHtml(organization)}</strong> account on Gatehouse.</p>`,
      `<p><a href="${escapeHtml(link)}">Choose a new password</a> within ${minutes} minutes; the link works once.</p>`,
      '<p>If you did not ask for this, ignore this mail: your password stays as it is.</p>',
    ].join('\n'),
  };
}
