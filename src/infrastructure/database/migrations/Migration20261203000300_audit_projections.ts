import { Migration } from '@mikro-orm/migrations';

/**
 * The audit read models grow: audit_log gains the outcome, the type's category (for
 * `type=auth.*`), user agent, request id and the names resolved at projection time; login
 * history and permission changes are new. Read models are disposable, so audit_log is
 * emptied and its position reset: the projector replays the store into all three.
 * Columns are added with ALTER TABLE so a later migration can rebuild audit_log from its
 * definition. Each index serves a filtered first page (newest first by seq); the plans
 * behind them are in the README's audit section.
 */
export class Migration20261203000300_audit_projections extends Migration {
  override up(): void {
    this.addSql(`
      truncate audit_log;
      delete from projection_positions where projection = 'audit_log';
      alter table audit_log
        add column category text not null,
        add column outcome text not null,
        add column actor_name text,
        add column actor_user_agent text,
        add column request_id text,
        add column subject_name text;
      create index audit_log_org_category on audit_log (organization_id, category, seq desc);
      create index audit_log_org_unsuccessful on audit_log (organization_id, outcome, seq desc) where outcome <> 'success';
      create index audit_log_org_ip on audit_log (organization_id, actor_ip, seq desc);

      create table login_history (
        event_id uuid primary key,
        organization_id uuid not null,
        seq bigint not null,
        type text not null,
        result text not null,
        method text not null,
        reason text,
        user_id text,
        user_name text,
        ip text,
        user_agent text,
        request_id text,
        session_id text,
        api_key_id text,
        connection_id text,
        occurred_at timestamptz not null,
        projected_at timestamptz not null default now()
      );
      create index login_history_org_seq on login_history (organization_id, seq desc);
      create index login_history_org_user on login_history (organization_id, user_id, seq desc);
      create index login_history_org_method on login_history (organization_id, method, seq desc);
      create index login_history_org_ip on login_history (organization_id, ip, seq desc);
      create index login_history_org_failures on login_history (organization_id, seq desc) where result = 'failure';
      create index login_history_org_time on login_history (organization_id, occurred_at);

      create table permission_changes (
        event_id uuid primary key,
        organization_id uuid not null,
        seq bigint not null,
        type text not null,
        change text not null,
        actor_type text not null,
        actor_id text,
        actor_name text,
        actor_ip text,
        request_id text,
        subject_type text not null,
        subject_id text,
        subject_name text,
        before jsonb,
        after jsonb,
        occurred_at timestamptz not null,
        projected_at timestamptz not null default now()
      );
      create index permission_changes_org_seq on permission_changes (organization_id, seq desc);
      create index permission_changes_org_subject on permission_changes (organization_id, subject_id, seq desc);
      create index permission_changes_org_actor on permission_changes (organization_id, actor_id, seq desc);
      create index permission_changes_org_change on permission_changes (organization_id, change, seq desc);
      create index permission_changes_org_time on permission_changes (organization_id, occurred_at);
    `);
  }
}
