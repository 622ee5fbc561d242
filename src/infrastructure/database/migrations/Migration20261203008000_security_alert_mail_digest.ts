import { Migration } from '@mikro-orm/migrations';

/**
 * Alert mail as a digest: at most one mail an `SECURITY_ALERT_MAIL_INTERVAL_SECONDS` per
 * organization (a critical alert does not wait). An alert not mailed yet has no `mailed_at`;
 * `security_alert_mailings` holds when the organization's last alert mail went. The detector's
 * pass and the digest job take a per-organization advisory lock before they read and mark
 * them, so an alert is mailed once. Alerts raised before this are taken as mailed.
 */
export class Migration20261203008000_security_alert_mail_digest extends Migration {
  override up(): void {
    this.addSql(`
      alter table security_alerts add column mailed_at timestamptz;
      update security_alerts set mailed_at = raised_at;
      create index security_alerts_unmailed on security_alerts (organization_id) where mailed_at is null;

      create table security_alert_mailings (
        organization_id uuid primary key references organizations(id) deferrable initially deferred,
        last_mailed_at timestamptz not null
      );
    `);
  }

  override down(): void {
    this.addSql('drop table security_alert_mailings; drop index security_alerts_unmailed; alter table security_alerts drop column mailed_at;');
  }
}
