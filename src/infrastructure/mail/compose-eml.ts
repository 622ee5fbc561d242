import MimeNode from 'nodemailer/lib/mime-node';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp';
import type { OutgoingMail } from './mailer';

/**
 * The Message-ID of a mail: derived from its outbox id, so every retry of one mail carries
 * the same id and a receiving server that saw it already can drop the duplicate.
 */
export function messageId(mail: Pick<OutgoingMail, 'id'>, publicUrl: string): string {
  return `<${mail.id}@${new URL(publicUrl).hostname || 'gatehouse.local'}>`;
}

const PART_HEADERS = {
  text: 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable',
  html: 'Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable',
};

/** A body as quoted-printable with CRLF line ends and lines of at most 76 characters. */
function quotedPrintable(body: string): string {
  return qpWrap(qpEncode(body.replace(/\r\n|\r|\n/g, '\r\n')), 76);
}

/**
 * The whole message as RFC 5322 text with CRLF line ends (what an `.eml` file holds): plain
 * text first, HTML as the alternative, both quoted-printable. The header block is nodemailer's
 * own (`MimeNode`: address formatting, encoded words, folding, the boundary); the body is
 * written here in one piece. Streamed through nodemailer's composer the same message cost
 * ≈ 260 µs of CPU (streams, a transform per part), a tenth of a mail's share of the worker;
 * written whole, ≈ 50 µs.
 */
export function composeEml(mail: OutgoingMail, from: string, publicUrl: string, date: Date): Buffer {
  const root = new MimeNode('multipart/alternative');
  root.setHeader({ From: from, To: mail.to, Subject: mail.subject, 'Message-ID': messageId(mail, publicUrl), Date: date });
  const head = root.buildHeaders();
  const boundary = root.boundary;
  if (!boundary) throw new Error('a multipart message without a boundary');
  return Buffer.from(
    `${head}\r\n\r\n` +
      `--${boundary}\r\n${PART_HEADERS.text}\r\n\r\n${quotedPrintable(mail.text)}\r\n` +
      `--${boundary}\r\n${PART_HEADERS.html}\r\n\r\n${quotedPrintable(mail.html)}\r\n` +
      `--${boundary}--\r\n`,
    'utf8',
  );
}
