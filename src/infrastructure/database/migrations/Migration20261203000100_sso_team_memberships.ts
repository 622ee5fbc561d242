import { Migration } from '@mikro-orm/migrations';

/**
 * Team memberships that SSO manages name the SAML connection that set them; hand-set ones
 * leave it null. A login ends only the memberships its connection set, never an admin's.
 * An MFA step remembers the SAML connection whose sign-in it continues, so the session it
 * opens is an SSO one (method sso_mfa, the connection id) and SSO-only does not refuse it.
 */
export class Migration20261203000100_sso_team_memberships extends Migration {
  override up(): void {
    this.addSql(`
      alter table team_members add column sso_connection_id uuid;
      alter table auth_challenges add column sso_connection_id uuid;
    `);
  }
}
