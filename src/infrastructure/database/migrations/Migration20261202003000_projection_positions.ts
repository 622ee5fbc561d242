import { Migration } from '@mikro-orm/migrations';

/**
 * Each consumer of the event stream (a projection, a reaction) keeps its own position per
 * organization and advances it in the transaction that applies the events, so Redis losing
 * a job loses nothing: the next wake-up or poll reads on from the position.
 * `mail_outbox.claimed_until` is the sender's lease on a mail, so a job queued again while
 * another sender is still sending does not send twice.
 */
export class Migration20261202003000_projection_positions extends Migration {
  override up(): void {
    this.addSql(`
      create table projection_positions (
        projection text not null,
        organization_id uuid not null,
        last_seq bigint not null default 0,
        updated_at timestamptz not null default now(),
        primary key (projection, organization_id)
      );
      alter table mail_outbox add column claimed_until timestamptz;
    `);
  }
}
