import { Migration } from '@mikro-orm/migrations';

/** Users and invitations (issue 3): profile, preferences, avatar, lifecycle, admin views. */
export class Migration20261129000200_users extends Migration {
  override up(): void {
    this.addSql(`
      alter table users
        add column phone text,
        add column timezone text,
        add column locale text,
        add column notification_preferences jsonb not null default '{}',
        add column last_sign_in_at timestamptz,
        add column mfa_enabled boolean not null default false,
        add column deactivated_at timestamptz,
        add column removed_at timestamptz;
      create index users_org_status on users (organization_id, status, created_at, id);
      create index users_org_role on users (organization_id, role, created_at, id);

      create table avatars (
        user_id uuid primary key references users(id) deferrable initially deferred,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        content_type text not null,
        image bytea not null,
        updated_at timestamptz not null
      );

      alter table invitations drop constraint invitations_status_check;
      alter table invitations add constraint invitations_status_check check (status in ('pending', 'accepted', 'revoked', 'expired'));
      alter table invitations add column resent_at timestamptz, add column team_ids jsonb not null default '[]';
      create index invitations_org_email on invitations (organization_id, email_normalized) where status = 'pending';
    `);
  }
}
