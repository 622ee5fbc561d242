import { Migration } from '@mikro-orm/migrations';

/**
 * Team memberships that SSO manages name the SAML connection that set them; hand-set ones
 * leave it null. A login ends only the memberships its connection set, never an admin's.
 */
export class Migration20261203000100_sso_team_memberships extends Migration {
  override up(): void {
    this.addSql(`
      alter table team_members add column sso_connection_id uuid;
    `);
  }
}
