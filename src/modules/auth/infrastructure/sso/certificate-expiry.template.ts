import { escapeHtml } from '../../../../infrastructure/mail/escape-html';
import type { MailData, RenderedMail } from '../../../../infrastructure/mail/mail-templates';

export const SSO_CERTIFICATE_EXPIRY_TEMPLATE = 'sso_certificate_expiry';

/** Tells administrators a SAML signing certificate ends soon, while there is time to roll it over. */
export function renderCertificateExpiry(data: MailData): RenderedMail {
  const organization = typeof data.organizationName === 'string' ? data.organizationName : 'your organization';
  const expiresAt = typeof data.expiresAt === 'string' ? data.expiresAt : 'soon';
  return {
    subject: `A single sign-on certificate of ${organization} expires ${expiresAt.slice(0, 10)}`,
    text: [
      `A SAML signing certificate of ${organization}'s single sign-on connection expires at ${expiresAt}.`,
      'Add the identity provider’s next certificate to the connection (several may be listed for a rollover) before then, or sign-in through SSO stops.',
      '',
    ].join('\n'),
    html: [
      `<p>A SAML signing certificate of <strong>${escapeHtml(organization)}</strong>’s single sign-on connection expires at ${escapeHtml(expiresAt)}.</p>`,
      '<p>Add the identity provider’s next certificate to the connection (several may be listed for a rollover) before then, or sign-in through SSO stops.</p>',
    ].join('\n'),
  };
}
