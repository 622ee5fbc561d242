import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../infrastructure/config/app-config';
import type { CommandContext } from '../../../infrastructure/event-store/unit-of-work';
import { MailOutbox } from '../../../infrastructure/mail/mail-outbox';
import { Clock } from '../../../shared/clock';
import { UserAccounts } from '../../users';
import { alertMailDue, alertsToList } from '../domain/alert-mail';
import { SECURITY_ALERT_EVENTS } from '../domain/security-alert-events';
import { SECURITY_RULES } from '../domain/security-rules';
import { SECURITY_ALERT_TEMPLATE, type AlertMailItem } from './security-alert.template';
import { SecurityAlertsRepository } from './security-alerts.repository';

/** Alert ids named in the queued mail's event. */
const IDS_IN_EVENT = 50;

/**
 * Mails an organization's waiting alerts to its Administrators who want security mail, when
 * `alertMailDue` says so: one mail each listing every alert waiting, the most severe first.
 * Runs in the command's transaction (the detector's pass, or the digest job's command), so
 * the mails, the alerts marked mailed and the event commit together or not at all.
 */
@Injectable()
export class SecurityAlertMail {
  constructor(
    private readonly alerts: SecurityAlertsRepository,
    private readonly accounts: UserAccounts,
    private readonly mail: MailOutbox,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Answers how many Administrators were mailed (0: nothing was due, or nobody wants it: the alerts keep waiting). */
  async sendDue(context: CommandContext, organizationId: string): Promise<number> {
    const now = this.clock.now();
    const { waiting, lastMailedAt } = await this.alerts.takeWaitingForMail(context.em, organizationId);
    if (!alertMailDue(waiting, lastMailedAt, now, this.config.values.securityAlerts.mailIntervalSeconds)) return 0;
    // on the transaction's own connection: a command holding one and waiting for a second starves the pool
    const recipients = await this.accounts.administratorsWanting(organizationId, 'securityAlerts', context.em);
    if (!recipients.length) return 0;
    const { listed, more } = alertsToList(waiting);
    const items: AlertMailItem[] = listed.map((alert) => ({
      title: SECURITY_RULES[alert.rule as keyof typeof SECURITY_RULES]?.title ?? alert.rule,
      severity: alert.severity,
      summary: alert.summary,
      link: this.mail.link(`/api/v1/audit/security-events/${alert.id}`),
    }));
    await this.mail.enqueueMany(
      context,
      recipients.map((admin) => ({
        organizationId,
        template: SECURITY_ALERT_TEMPLATE,
        to: admin.email,
        data: { alerts: items, more },
        subject: { type: 'security_alert', id: listed[0].id },
        events: { sent: SECURITY_ALERT_EVENTS.mailSent, failed: SECURITY_ALERT_EVENTS.mailFailed },
      })),
    );
    await this.alerts.markMailed(context.em, organizationId, now);
    context.record({
      type: SECURITY_ALERT_EVENTS.mailQueued,
      organizationId,
      subject: { type: 'organization', id: organizationId },
      payload: { alertIds: waiting.slice(0, IDS_IN_EVENT).map((alert) => alert.id), alertCount: waiting.length, recipients: recipients.length },
    });
    return recipients.length;
  }
}
