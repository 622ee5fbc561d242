import { createTransport } from 'nodemailer';
import type { OutgoingMail } from './mailer';

/**
 * The Message-ID of a mail: derived from its outbox id, so every retry of one mail carries
 * the same id and a receiving server that saw it already can drop the duplicate.
 */
export function messageId(mail: Pick<OutgoingMail, 'id'>, publicUrl: string): string {
  return `<${mail.id}@${new URL(publicUrl).hostname || 'gatehouse.local'}>`;
}

/** The nodemailer message for a mail: plain text first, HTML as the alternative. */
export function mailMessage(mail: OutgoingMail, from: string, publicUrl: string) {
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: messageId(mail, publicUrl),
  };
}

const composer = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

/** The whole message as RFC 5322 text with CRLF line ends: what an `.eml` file holds. */
export async function composeEml(mail: OutgoingMail, from: string, publicUrl: string, date: Date): Promise<Buffer> {
  const info = await composer.sendMail({ ...mailMessage(mail, from, publicUrl), date });
  return info.message as Buffer;
}
