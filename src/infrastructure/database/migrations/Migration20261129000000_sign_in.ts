import { Migration } from '@mikro-orm/migrations';

/** Sign-in hardening: refresh rotation, API keys, MFA, password history and resets, policies. */
export class Migration20261129000000_sign_in extends Migration {
  override up(): void {
    this.addSql(`
      alter table users add column password_changed_at timestamptz;

      create table spent_refresh_tokens (
        token_hash text primary key,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        session_id uuid not null references sessions(id) deferrable initially deferred,
        spent_at timestamptz not null
      );

      create table api_keys (
        id uuid primary key,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        user_id uuid not null references users(id) deferrable initially deferred,
        name text not null,
        prefix text not null,
        key_hash text not null unique,
        scopes jsonb not null,
        expires_at timestamptz not null,
        created_at timestamptz not null,
        revoked_at timestamptz
      );
      create index api_keys_user on api_keys (organization_id, user_id);

      create table user_mfa (
        user_id uuid primary key references users(id) deferrable initially deferred,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        totp_secret_sealed text not null,
        confirmed_at timestamptz,
        last_used_step bigint,
        created_at timestamptz not null
      );

      create table recovery_codes (
        id uuid primary key,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        user_id uuid not null references users(id) deferrable initially deferred,
        code_hash text not null,
        used_at timestamptz
      );
      create index recovery_codes_user on recovery_codes (organization_id, user_id);

      create table auth_challenges (
        id uuid primary key,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        user_id uuid not null references users(id) deferrable initially deferred,
        purpose text not null check (purpose in ('mfa_verify', 'mfa_enroll', 'password_reset')),
        token_hash text not null unique,
        expires_at timestamptz not null,
        used_at timestamptz,
        created_at timestamptz not null
      );

      create table password_history (
        id uuid primary key,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        user_id uuid not null references users(id) deferrable initially deferred,
        password_hash text not null,
        created_at timestamptz not null
      );
      create index password_history_user on password_history (organization_id, user_id, created_at desc);

      create table policies (
        organization_id uuid primary key references organizations(id) deferrable initially deferred,
        document jsonb not null,
        version integer not null default 1,
        updated_at timestamptz not null
      );
    `);
  }
}
