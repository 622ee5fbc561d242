import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { NotFoundError } from '../../../../shared/domain-error';
import { SECURITY_ALERT_EVENTS } from '../../domain/security-alert-events';
import { nextAlertStatus } from '../../domain/security-alert-status';
import { SecurityAlertsRepository, type SecurityAlert } from '../../infrastructure/security-alerts.repository';
import { TriageSecurityAlertCommand } from './triage-security-alert.command';

@CommandHandler(TriageSecurityAlertCommand)
export class TriageSecurityAlertHandler implements ICommandHandler<TriageSecurityAlertCommand, SecurityAlert> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly alerts: SecurityAlertsRepository,
    private readonly clock: Clock,
  ) {}

  async execute(command: TriageSecurityAlertCommand): Promise<SecurityAlert> {
    const { organizationId, alertId, action, note } = command;
    await this.uow.run({ actor: command.actor, organizationId }, async (context) => {
      // locked: two people resolving at once get one success and one 409
      const alert = await this.alerts.find(context.em, organizationId, alertId, { lock: true });
      if (!alert) throw new NotFoundError('Security alert');
      const status = nextAlertStatus(alert.status, action);
      await this.alerts.setStatus(context.em, organizationId, alertId, { status: status === 'resolved' ? 'resolved' : 'acknowledged', by: command.userId, at: this.clock.now(), note });
      const subject = { type: 'security_alert', id: alertId };
      if (status === 'resolved') {
        const from = alert.status === 'acknowledged' ? 'acknowledged' : 'open';
        context.record({ type: SECURITY_ALERT_EVENTS.resolved, organizationId, subject, payload: { rule: alert.rule, severity: alert.severity, from, note } });
      } else {
        context.record({ type: SECURITY_ALERT_EVENTS.acknowledged, organizationId, subject, payload: { rule: alert.rule, severity: alert.severity, note } });
      }
    });
    const changed = await this.alerts.find(this.uow.reader(organizationId), organizationId, alertId);
    return changed!;
  }
}
