import { Migration } from '@mikro-orm/migrations';

/**
 * The mail outbox: a mail is written in the transaction of the command that causes it, and
 * relayed to the `mail` queue after commit. Its recipient and template data (which may hold
 * a one-time link) are cleared once it is sent or dead.
 */
export class Migration20261129000100_mail extends Migration {
  override up(): void {
    this.addSql(`
      create table mail_outbox (
        id uuid primary key,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        template text not null,
        recipient text,
        data jsonb not null default '{}',
        status text not null default 'pending' check (status in ('pending', 'sent', 'dead')),
        attempts integer not null default 0,
        last_error text,
        event_subject jsonb not null,
        sent_event text not null,
        failed_event text not null,
        created_at timestamptz not null,
        queued_at timestamptz,
        sent_at timestamptz,
        dead_at timestamptz,
        check (status <> 'pending' or recipient is not null)
      );
      create index mail_outbox_pending on mail_outbox (created_at) where status = 'pending';
      create index mail_outbox_org on mail_outbox (organization_id, created_at);
    `);
  }
}
