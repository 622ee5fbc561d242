import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { MailOutbox } from '../../../../infrastructure/mail/mail-outbox';
import { systemActor } from '../../../../shared/actor';
import { Clock } from '../../../../shared/clock';
import { UserAccounts } from '../../../users';
import { SECURITY_ALERT_EVENTS } from '../../domain/security-alert-events';
import { ALERT_SEVERITIES, SECURITY_RULES } from '../../domain/security-rules';
import { SECURITY_ALERT_TEMPLATE, type AlertMailItem } from '../../infrastructure/security-alert.template';
import { SecurityAlertsRepository } from '../../infrastructure/security-alerts.repository';
import { RaiseSecurityAlertsCommand } from './raise-security-alerts.command';

/** Events named in an alert's own events; the alert's page lists every one. */
const EVENT_IDS_IN_PAYLOAD = 50;
/** Alerts listed in one mail; the rest are counted. */
const ALERTS_IN_MAIL = 10;

@CommandHandler(RaiseSecurityAlertsCommand)
export class RaiseSecurityAlertsHandler implements ICommandHandler<RaiseSecurityAlertsCommand, { opened: number; added: number }> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly alerts: SecurityAlertsRepository,
    private readonly accounts: UserAccounts,
    private readonly mail: MailOutbox,
    private readonly clock: Clock,
  ) {}

  async execute({ tx, organizationId, plan }: RaiseSecurityAlertsCommand): Promise<{ opened: number; added: number }> {
    if (!plan.opened.length && !plan.added.size) return { opened: 0, added: 0 };
    const recipients = plan.opened.length ? await this.accounts.administratorsWanting(organizationId, 'securityAlerts') : [];
    const { result } = await this.uow.within(tx, { actor: systemActor(), organizationId }, async (context) => {
      const now = this.clock.now();
      let added = 0;
      for (const { id, detection, events } of plan.opened) {
        await this.alerts.insert(tx, { id, organizationId, rule: detection.rule, severity: detection.severity, key: detection.key, summary: detection.summary, raisedAt: now, events });
        context.record({
          type: SECURITY_ALERT_EVENTS.raised,
          organizationId,
          subject: { type: 'security_alert', id },
          payload: {
            rule: detection.rule,
            severity: detection.severity,
            key: detection.key,
            summary: detection.summary,
            eventCount: events.length,
            eventIds: events.slice(-EVENT_IDS_IN_PAYLOAD).map((hit) => hit.id),
          },
        });
      }
      for (const [alertId, events] of plan.added) {
        const outcome = await this.alerts.addEvents(tx, organizationId, alertId, events);
        if (!outcome.added) continue;
        added += outcome.added;
        context.record({
          type: SECURITY_ALERT_EVENTS.eventsAdded,
          organizationId,
          subject: { type: 'security_alert', id: alertId },
          payload: { added: outcome.added, eventCount: outcome.total, eventIds: events.slice(-EVENT_IDS_IN_PAYLOAD).map((hit) => hit.id) },
        });
      }
      if (plan.opened.length && recipients.length) {
        // one mail per administrator for every alert this pass opened, the most severe first
        const rank = (severity: string) => -ALERT_SEVERITIES.indexOf(severity as (typeof ALERT_SEVERITIES)[number]);
        const ordered = [...plan.opened].sort((a, b) => rank(a.detection.severity) - rank(b.detection.severity));
        const items: AlertMailItem[] = ordered.slice(0, ALERTS_IN_MAIL).map(({ id, detection }) => ({
          title: SECURITY_RULES[detection.rule].title,
          severity: detection.severity,
          summary: detection.summary,
          link: this.mail.link(`/api/v1/audit/security-events/${id}`),
        }));
        for (const admin of recipients) {
          await this.mail.enqueue(context, {
            organizationId,
            template: SECURITY_ALERT_TEMPLATE,
            to: admin.email,
            data: { alerts: items, more: ordered.length - items.length },
            subject: { type: 'security_alert', id: ordered[0].id },
            events: { sent: SECURITY_ALERT_EVENTS.mailSent, failed: SECURITY_ALERT_EVENTS.mailFailed },
          });
        }
      }
      return { opened: plan.opened.length, added };
    });
    return result;
  }
}
