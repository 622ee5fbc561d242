import { Migration } from '@mikro-orm/migrations';

/**
 * SAML SSO: one connection per organization (its settings as one validated document, our
 * SP key sealed at rest) and the identities it vouches for, keyed by (connection, NameID)
 * so an email alone never decides who signs in.
 */
export class Migration20261202005000_sso extends Migration {
  override up(): void {
    this.addSql(`
      create table saml_connections (
        id uuid primary key,
        organization_id uuid not null unique references organizations(id) deferrable initially deferred,
        enabled boolean not null default false,
        settings jsonb not null,
        sp_certificate text not null,
        sp_private_key text not null,
        certificate_warned_at timestamptz,
        version integer not null default 1,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );

      create table saml_identities (
        id uuid primary key,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        connection_id uuid not null references saml_connections(id) on delete cascade,
        name_id text not null,
        user_id uuid not null references users(id) deferrable initially deferred,
        groups jsonb not null default '[]',
        created_at timestamptz not null,
        last_login_at timestamptz not null,
        unique (connection_id, name_id)
      );
      create index saml_identities_user on saml_identities (organization_id, user_id);
    `);
  }
}
