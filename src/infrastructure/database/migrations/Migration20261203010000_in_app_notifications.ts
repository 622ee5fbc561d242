import { Migration } from '@mikro-orm/migrations';

/**
 * The in-app notices (`GET /api/v1/me/notifications`): a row a recipient, written in the
 * transaction of the command that had something to tell (an alert raised, an invitation
 * accepted or expired), read and marked read by its recipient only, deleted by the workers
 * past NOTIFICATION_RETENTION_DAYS.
 */
export class Migration20261203010000_in_app_notifications extends Migration {
  override up(): void {
    this.addSql(`
      create table notifications (
        id uuid primary key,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        user_id uuid not null,
        topic text not null,
        kind text not null,
        data jsonb not null,
        subject_type text,
        subject_id text,
        created_at timestamptz not null,
        read_at timestamptz
      );
      create index notifications_feed on notifications (organization_id, user_id, created_at desc, id desc);
      create index notifications_unread on notifications (organization_id, user_id) where read_at is null;
      -- the retention's pass (NOTIFICATION_RETENTION_DAYS), oldest first
      create index notifications_age on notifications (created_at, organization_id);
    `);
  }

  override down(): void {
    this.addSql('drop table notifications;');
  }
}
