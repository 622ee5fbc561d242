import { Migration } from '@mikro-orm/migrations';

/**
 * What a profile shows besides the user's row (the operator grant, the avatar's version), for a
 * statement that locks the row and reads them at once (PATCH /me answers from it). A VOLATILE
 * function because each of its statements takes a fresh snapshot: joined in the locking
 * statement itself, they would be read as the statement's snapshot saw them before it waited
 * for the lock, missing what the holder (a PUT avatar, an operator grant) committed (measured).
 */
export class Migration20261203002100_profile_extras_function extends Migration {
  override up(): void {
    this.addSql(`
      create function gatehouse_profile_extras(p_organization_id uuid, p_user_id uuid)
      returns table (platform_operator boolean, avatar_updated_at timestamptz)
      language plpgsql volatile as $fn$
      begin
        return query
          select exists (select 1 from platform_operator_grants g where g.user_id = p_user_id),
                 (select a.updated_at from avatars a where a.user_id = p_user_id and a.organization_id = p_organization_id);
      end
      $fn$`);
  }

  override down(): void {
    this.addSql('drop function if exists gatehouse_profile_extras(uuid, uuid)');
  }
}
