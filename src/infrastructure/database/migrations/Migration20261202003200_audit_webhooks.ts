import { Migration } from '@mikro-orm/migrations';

/**
 * Per-organization webhooks that stream chosen event types out (Standard Webhooks 1.0),
 * and their delivery log. A delivery row is written in the transaction that advances the
 * fan-out's position in the store, so each event is offered to each webhook exactly once;
 * the dispatcher retries from these rows, not from Redis.
 */
export class Migration20261202003200_audit_webhooks extends Migration {
  override up(): void {
    this.addSql(`
      create table audit_webhooks (
        id uuid primary key,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        url text not null,
        event_types text[] not null,
        secret_sealed text not null,
        status text not null default 'active' check (status in ('active', 'paused')),
        consecutive_failures integer not null default 0,
        created_by text,
        created_at timestamptz not null,
        paused_at timestamptz
      );
      create index audit_webhooks_org on audit_webhooks (organization_id, created_at desc, id);

      create table audit_webhook_deliveries (
        id uuid primary key,
        webhook_id uuid not null references audit_webhooks(id) on delete cascade,
        organization_id uuid not null,
        event_id uuid not null,
        seq bigint not null,
        event_type text not null,
        status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
        attempts integer not null default 0,
        next_attempt_at timestamptz not null,
        last_status integer,
        last_error text,
        created_at timestamptz not null,
        delivered_at timestamptz,
        unique (webhook_id, event_id)
      );
      create index audit_webhook_deliveries_due on audit_webhook_deliveries (next_attempt_at) where status = 'pending';
      create index audit_webhook_deliveries_log on audit_webhook_deliveries (webhook_id, created_at desc, id);
    `);
  }
}
