import { Migration } from '@mikro-orm/migrations';

/**
 * Signed checkpoints of each organization's chain: a compact JWS over
 * `{ organizationId, seq, hash, at }`. Append-only like the events they vouch for, so a
 * truncated or rewritten store is caught by the last checkpoint it cannot match.
 */
export class Migration20261202003100_audit_checkpoints extends Migration {
  override up(): void {
    this.addSql(`
      create table audit_checkpoints (
        id uuid primary key,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        seq bigint not null,
        hash text not null,
        at timestamptz not null,
        kid text not null,
        public_jwk jsonb not null,
        jws text not null,
        reason text not null check (reason in ('periodic', 'on_demand', 'retention'))
      );
      create index audit_checkpoints_org_seq on audit_checkpoints (organization_id, seq desc, at desc);
      create trigger audit_checkpoints_append_only before update or delete on audit_checkpoints
        for each row execute function gatehouse_refuse_event_change();
      create trigger audit_checkpoints_no_truncate before truncate on audit_checkpoints
        for each statement execute function gatehouse_refuse_event_change();
    `);
  }
}
