import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { systemActor } from '../../../../shared/actor';
import { Clock } from '../../../../shared/clock';
import { InAppNotifications } from '../../../notifications';
import { UserAccounts } from '../../../users';
import { SECURITY_ALERT_EVENTS } from '../../domain/security-alert-events';
import { SECURITY_RULES } from '../../domain/security-rules';
import { SecurityAlertMail } from '../../infrastructure/security-alert-mail';
import { SecurityAlertsRepository } from '../../infrastructure/security-alerts.repository';
import { RaiseSecurityAlertsCommand } from './raise-security-alerts.command';

/** Events named in an alert's own events; the alert's page lists every one. */
const EVENT_IDS_IN_PAYLOAD = 50;

@CommandHandler(RaiseSecurityAlertsCommand)
export class RaiseSecurityAlertsHandler implements ICommandHandler<RaiseSecurityAlertsCommand, { opened: number; added: number }> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly alerts: SecurityAlertsRepository,
    private readonly mail: SecurityAlertMail,
    private readonly accounts: UserAccounts,
    private readonly notices: InAppNotifications,
    private readonly clock: Clock,
  ) {}

  async execute({ tx, organizationId, plan }: RaiseSecurityAlertsCommand): Promise<{ opened: number; added: number }> {
    if (!plan.opened.length && !plan.added.size) return { opened: 0, added: 0 };
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
      if (plan.opened.length) {
        // in the feeds of the Administrators who want it, at once
        const administrators = await this.accounts.administratorsWanting(organizationId, 'securityAlerts', tx, 'inApp');
        await this.notices.deliver(
          context,
          organizationId,
          administrators.flatMap(({ id: userId }) =>
            plan.opened.map(({ id, detection }) => ({
              userId,
              kind: 'security_alert' as const,
              data: { alertId: id, rule: detection.rule, title: SECURITY_RULES[detection.rule].title, severity: detection.severity, summary: detection.summary },
              subject: { type: 'security_alert', id },
            })),
          ),
        );
        // the mail of what this pass opened: now, or with the digest at the end of the interval
        await this.mail.sendDue(context, organizationId);
      }
      return { opened: plan.opened.length, added };
    });
    return result;
  }
}
