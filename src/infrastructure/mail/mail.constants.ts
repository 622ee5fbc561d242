/** The BullMQ queue that delivers mails. */
export const MAIL_QUEUE = 'mail';

/** Postgres NOTIFY channel that wakes the mail relay after a commit. */
export const MAIL_CHANNEL = 'gatehouse_mail';

/** A mail job carries the outbox row's id only: addresses and links stay in PostgreSQL. */
export interface MailJob {
  mailId: string;
}
