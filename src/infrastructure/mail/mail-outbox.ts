import type { Knex } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../shared/clock';
import type { DomainEvent } from '../../shared/domain-event';
import { IdGenerator } from '../../shared/ids';
import { AppConfig } from '../config/app-config';
import type { CommandContext } from '../event-store/unit-of-work';
import { MAIL_CHANNEL } from './mail.constants';
import type { MailOutcomeEventType } from './mail-outcome.events';
import { MailTemplates, type MailData } from './mail-templates';

/** A mail a command sends, and the events its outcome is recorded as. */
export interface MailRequest {
  organizationId: string;
  /** A registered template's name (`MailTemplates`). */
  template: string;
  /** The recipient's address: kept in the outbox row only until the mail is sent or dead. */
  to: string;
  /** The template's variables; cleared with the address once the mail is sent or dead. */
  data: MailData;
  /** What the outcome events are about, e.g. `{ type: 'invitation', id }`. */
  subject: DomainEvent['subject'];
  /** Event types recorded on delivery and on giving up, e.g. `invitation.sent` / `invitation.delivery_failed`. */
  events: { sent: MailOutcomeEventType; failed: MailOutcomeEventType };
}

/**
 * Where commands send mail. `enqueue` writes the mail into `mail_outbox` inside the
 * command's transaction, so the mail exists exactly when the change that caused it commits;
 * the mail relay hands it to the `mail` queue after commit.
 */
@Injectable()
export class MailOutbox {
  constructor(
    private readonly templates: MailTemplates,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /**
   * Drops the mails still waiting for `subject` (say, a user being removed), in the
   * command's transaction: their addresses and links go, and the worker skips them.
   */
  async cancelFor(context: CommandContext, subject: { type: string; id: string }): Promise<number> {
    const rows = await context.em
      .getConnection()
      .execute<{ id: string }[]>(
        `update mail_outbox set status = 'dead', recipient = null, data = '{}', last_error = 'cancelled', dead_at = now()
          where status = 'pending' and event_subject = ?::jsonb returning id`,
        [JSON.stringify({ type: subject.type, id: subject.id })],
        'all',
        context.em.getTransactionContext(),
      );
    return rows.length;
  }

  /** Stores the mail in the command's transaction; returns the mail's id. */
  async enqueue(context: CommandContext, mail: MailRequest): Promise<string> {
    const [id] = await this.enqueueMany(context, [mail]);
    return id;
  }

  /**
   * Stores mails in the command's transaction, in one statement that also wakes the relay
   * (a batch of invitations wrote two statements a mail before); returns their ids in order.
   */
  async enqueueMany(context: CommandContext, mails: MailRequest[]): Promise<string[]> {
    const em = context.em;
    if (!em.isInTransaction()) throw new Error('mails are enqueued inside the command transaction');
    if (!mails.length) return [];
    const now = this.clock.now();
    const ids: string[] = [];
    const values: unknown[] = [];
    for (const mail of mails) {
      if (!mail.to.trim()) throw new Error('a mail needs a recipient');
      // renders once to refuse an unknown template or incomplete data now, not in the worker
      this.templates.render(mail.template, mail.data);
      const id = this.ids.uuid();
      ids.push(id);
      values.push(
        id,
        mail.organizationId,
        mail.template,
        mail.to,
        JSON.stringify(mail.data),
        JSON.stringify({ type: mail.subject.type, id: mail.subject.id }),
        mail.events.sent,
        mail.events.failed,
        now,
      );
    }
    // the notification is delivered at commit: it wakes the mail relay on every worker instance
    await em.getConnection().execute(
      `with queued as (
         insert into mail_outbox (id, organization_id, template, recipient, data, status, event_subject, sent_event, failed_event, created_at)
         values ${mails.map(() => "(?, ?, ?, ?, ?::jsonb, 'pending', ?::jsonb, ?, ?, ?)").join(', ')}
       )
       select pg_notify('${MAIL_CHANNEL}', '')`,
      values,
      'run',
      em.getTransactionContext<Knex.Transaction>(),
    );
    return ids;
  }

  /** An absolute link into Gatehouse, built from PUBLIC_URL (e.g. for a template's `link`). */
  link(path: string, query: Record<string, string> = {}): string {
    const url = new URL(this.config.values.publicUrl + (path.startsWith('/') ? path : `/${path}`));
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url.toString();
  }
}
