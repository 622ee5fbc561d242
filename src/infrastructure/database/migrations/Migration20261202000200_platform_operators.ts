import { Migration } from '@mikro-orm/migrations';

/**
 * Platform operators hold an explicit grant, owned by the users module, instead of a flag on
 * the account that outlived a demotion. Flags move into grants only where they still mean
 * something (an active Administrator); a flag left on a demoted or inactive account is the
 * very thing this ends.
 */
export class Migration20261202000200_platform_operators extends Migration {
  override up(): void {
    this.addSql(`
      create table platform_operator_grants (
        user_id uuid primary key references users(id) deferrable initially deferred,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        granted_by uuid,
        granted_at timestamptz not null
      );
      create index platform_operator_grants_org on platform_operator_grants (organization_id, granted_at, user_id);

      insert into platform_operator_grants (user_id, organization_id, granted_by, granted_at)
        select id, organization_id, null, created_at from users
         where platform_operator and role = 'Administrator' and status = 'active';
      alter table users drop column platform_operator;
    `);
  }
}
