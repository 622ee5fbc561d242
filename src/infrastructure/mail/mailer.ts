/** One mail, rendered and addressed; `id` is the outbox row's (and names the Message-ID). */
export interface OutgoingMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Hands a mail to its way out: an SMTP server, or a local folder when none is configured. */
export abstract class Mailer {
  abstract send(mail: OutgoingMail): Promise<void>;
  abstract close(): Promise<void>;
}
