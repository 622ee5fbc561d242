import { Migration } from '@mikro-orm/migrations';

/**
 * Security detection (issue 13): the alerts the detector raises over the event stream, the
 * events behind each one, and the detector's own small state (sliding windows of recent
 * hits, and the addresses and devices each user signed in from). The detector writes all of
 * it in the transaction that advances its position in the store, so a job delivered twice
 * or lost still yields each alert once. Alerts carry people's triage (acknowledged,
 * resolved, by whom, when): they are not a disposable read model, and `audit:rebuild`
 * leaves them and the detector's position alone.
 */
export class Migration20261203000400_security_alerts extends Migration {
  override up(): void {
    this.addSql(`
      create table security_alerts (
        id uuid primary key,
        organization_id uuid not null references organizations(id) deferrable initially deferred,
        rule text not null,
        severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
        status text not null default 'open' check (status in ('open', 'acknowledged', 'resolved')),
        key_type text not null,
        key_value text not null,
        summary text not null,
        event_count integer not null default 0,
        first_seen_at timestamptz not null,
        last_seen_at timestamptz not null,
        raised_at timestamptz not null,
        acknowledged_by uuid,
        acknowledged_at timestamptz,
        acknowledged_note text,
        resolved_by uuid,
        resolved_at timestamptz,
        resolved_note text
      );
      create index security_alerts_list on security_alerts (organization_id, raised_at desc, id desc);
      -- the detector looks up the unresolved alert of a rule and key to group into it
      create index security_alerts_unresolved on security_alerts (organization_id, rule, key_value) where status <> 'resolved';

      create table security_alert_events (
        alert_id uuid not null references security_alerts(id) on delete cascade,
        organization_id uuid not null,
        event_id uuid not null,
        seq bigint not null,
        primary key (alert_id, event_id)
      );
      create index security_alert_events_seq on security_alert_events (alert_id, seq desc);

      create table security_detector_windows (
        organization_id uuid not null,
        rule text not null,
        key text not null,
        hits jsonb not null,
        last_at timestamptz not null,
        primary key (organization_id, rule, key)
      );
      create index security_detector_windows_age on security_detector_windows (organization_id, last_at);

      create table security_known_devices (
        organization_id uuid not null,
        user_id uuid not null,
        kind text not null check (kind in ('ip', 'user_agent', 'signed_in')),
        value text not null,
        last_seen_at timestamptz not null,
        primary key (organization_id, user_id, kind, value)
      );
      create index security_known_devices_age on security_known_devices (organization_id, last_seen_at);
    `);
  }
}
