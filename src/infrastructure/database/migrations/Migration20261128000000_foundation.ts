import { Migration } from '@mikro-orm/migrations';

/**
 * Organizations, users, invitations, sessions, signing keys, the event store and the audit read model.
 * Foreign keys are checked at commit: aggregates reference each other by id, so the ORM
 * does not know the order in which one command's inserts must run.
 */
export class Migration20261128000000_foundation extends Migration {
  override up(): void {
    this.addSql(`
      create table organizations (
        id uuid primary key,
        slug text not null unique,
        name text not null,
        settings jsonb not null default '{}',
        version integer not null default 1,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );

      create table users (
        id uuid primary key,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        email text,
        email_normalized text,
        name text,
        password_hash text,
        role text not null,
        status text not null check (status in ('invited', 'active', 'deactivated', 'removed')),
        platform_operator boolean not null default false,
        version integer not null default 1,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );
      create unique index users_org_email_uq on users (organization_id, email_normalized) where email_normalized is not null;
      create index users_org_keyset on users (organization_id, created_at, id);

      create table invitations (
        id uuid primary key,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        user_id uuid not null references users(id) deferrable initially deferred,
        email_normalized text,
        role text not null,
        token_hash text not null unique,
        status text not null check (status in ('pending', 'accepted', 'revoked')),
        invited_by uuid,
        expires_at timestamptz not null,
        created_at timestamptz not null,
        accepted_at timestamptz,
        revoked_at timestamptz
      );
      create index invitations_org_status on invitations (organization_id, status, created_at);

      create table sessions (
        id uuid primary key,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        user_id uuid not null references users(id) deferrable initially deferred,
        auth_method text not null,
        ip text,
        user_agent text,
        refresh_token_hash text unique,
        created_at timestamptz not null,
        last_used_at timestamptz not null,
        expires_at timestamptz not null,
        revoked_at timestamptz,
        revoked_reason text
      );
      create index sessions_user on sessions (organization_id, user_id) where revoked_at is null;

      create table signing_keys (
        kid text primary key,
        algorithm text not null,
        public_jwk jsonb not null,
        private_pem text not null,
        created_at timestamptz not null,
        retired_at timestamptz
      );

      create table event_streams (
        organization_id uuid primary key references organizations(id) deferrable initially deferred,
        last_seq bigint not null,
        last_hash text not null
      );

      create table events (
        id uuid primary key,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        seq bigint not null,
        type text not null,
        actor jsonb not null,
        subject jsonb not null,
        payload jsonb not null,
        occurred_at timestamptz not null,
        prev_hash text not null,
        hash text not null,
        unique (organization_id, seq)
      );

      create function gatehouse_refuse_event_change() returns trigger language plpgsql as $$
      begin
        raise exception 'events are append-only' using errcode = 'insufficient_privilege';
      end
      $$;
      create trigger events_append_only before update or delete on events
        for each row execute function gatehouse_refuse_event_change();
      create trigger events_no_truncate before truncate on events
        for each statement execute function gatehouse_refuse_event_change();

      create table event_outbox (
        id bigserial primary key,
        event_id uuid not null unique references events(id) deferrable initially deferred,
        organization_id uuid not null
      );

      create table audit_log (
        event_id uuid primary key,
        organization_id uuid not null,
        seq bigint not null,
        type text not null,
        actor_type text not null,
        actor_id text,
        actor_ip text,
        subject_type text not null,
        subject_id text,
        payload jsonb not null,
        occurred_at timestamptz not null,
        projected_at timestamptz not null default now()
      );
      create index audit_log_org_seq on audit_log (organization_id, seq desc);
      create index audit_log_org_type on audit_log (organization_id, type, seq desc);
      create index audit_log_org_actor on audit_log (organization_id, actor_id, seq desc);
      create index audit_log_org_subject on audit_log (organization_id, subject_id, seq desc);
      create index audit_log_org_time on audit_log (organization_id, occurred_at);
    `);
  }
}
