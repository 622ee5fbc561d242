import { createTransport, type Transporter } from 'nodemailer';
import { composeEml } from './compose-eml';
import { Mailer, type OutgoingMail } from './mailer';

/** Sends through the SMTP server of `SMTP_URL` (credentials and TLS as the URL says). */
export class SmtpMailer extends Mailer {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    private readonly publicUrl: string,
  ) {
    super();
    // bounded waits: a stuck server fails the attempt, and BullMQ retries it later; a small
    // pool of kept-open connections spares a TCP and SMTP handshake per mail
    this.transport = createTransport({
      url: smtpUrl,
      pool: true,
      maxConnections: 5,
      maxMessages: 500,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
    });
  }

  /**
   * The message is composed in memory first and handed over whole: streamed as nodemailer
   * builds it, each header block and part was a socket write of its own (a tenth of the
   * server's CPU while a batch of invitations was mailed); whole, it is one or two.
   */
  async send(mail: OutgoingMail): Promise<void> {
    const raw = composeEml(mail, this.from, this.publicUrl, new Date());
    await this.transport.sendMail({ raw, envelope: { from: this.from, to: [mail.to] } });
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
