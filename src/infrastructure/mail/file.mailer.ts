import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import type { Clock } from '../../shared/clock';
import { composeEml } from './compose-eml';
import { Mailer, type OutgoingMail } from './mailer';

const LINK = /https?:\/\/[^\s<>"]+/g;

/**
 * Without an SMTP server: each mail becomes `<mailDir>/<id>.eml` (mode 0600). In development
 * its links are logged too, so a demo needs nothing else; elsewhere a link is a live token
 * (invitation, password reset) and logs travel further than the mail folder, so the log says
 * only that a mail was written. The recipient address is never logged.
 */
export class FileMailer extends Mailer {
  private readonly logger = new Logger('Mail');
  private readonly dir: string;

  constructor(
    mailDir: string,
    private readonly from: string,
    private readonly publicUrl: string,
    private readonly clock: Clock,
    private readonly logLinks: boolean,
  ) {
    super();
    this.dir = resolve(mailDir);
  }

  async send(mail: OutgoingMail): Promise<void> {
    const eml = composeEml(mail, this.from, this.publicUrl, this.clock.now());
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, `${mail.id}.eml`);
    // written whole or not at all: a reader never sees half a mail
    await writeFile(`${file}.tmp`, eml, { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    const links = this.logLinks ? [...new Set(mail.text.match(LINK) ?? [])] : [];
    this.logger.log(`mail ${mail.id} ("${mail.subject}") written to ${file}${links.length ? `; links: ${links.join(' ')}` : ''}`);
  }

  async close(): Promise<void> {}
}
