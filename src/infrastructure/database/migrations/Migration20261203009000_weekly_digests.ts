import { Migration } from '@mikro-orm/migrations';

/**
 * The weekly digest (the notification preference `weeklyDigest`): one row an organization and
 * week once its mails are queued, inserted in that same transaction, so a week is mailed once
 * whatever number of workers look.
 */
export class Migration20261203009000_weekly_digests extends Migration {
  override up(): void {
    this.addSql(`
      create table weekly_digests (
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        week_start date not null,
        sent_at timestamptz not null,
        recipients integer not null,
        primary key (organization_id, week_start)
      );
    `);
  }

  override down(): void {
    this.addSql('drop table weekly_digests;');
  }
}
