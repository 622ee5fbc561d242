import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { MailOutbox } from '../../../../infrastructure/mail/mail-outbox';
import { systemActor } from '../../../../shared/actor';
import { Clock } from '../../../../shared/clock';
import { UserAccounts } from '../../../users';
import { WEBHOOK_PAUSED_TEMPLATE } from '../../infrastructure/webhook-paused.template';
import { WebhooksRepository } from '../../infrastructure/webhooks.repository';
import { PauseWebhookCommand } from './pause-webhook.command';

@CommandHandler(PauseWebhookCommand)
export class PauseWebhookHandler implements ICommandHandler<PauseWebhookCommand, boolean> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly webhooks: WebhooksRepository,
    private readonly accounts: UserAccounts,
    private readonly mail: MailOutbox,
    private readonly clock: Clock,
  ) {}

  async execute({ organizationId, webhookId, consecutiveFailures }: PauseWebhookCommand): Promise<boolean> {
    const administrators = await this.accounts.activeAdministrators(organizationId);
    const { result } = await this.uow.run({ actor: systemActor(), organizationId }, async (context) => {
      const webhook = await this.webhooks.find(context.em, organizationId, webhookId);
      // only the first of several dispatchers to give up pauses it and tells anyone
      if (!webhook || !(await this.webhooks.pause(context.em, organizationId, webhookId, this.clock.now()))) return false;
      context.record({
        type: 'audit.webhook_paused',
        organizationId,
        subject: { type: 'audit_webhook', id: webhookId },
        payload: { url: webhook.url, consecutiveFailures },
      });
      for (const admin of administrators) {
        await this.mail.enqueue(context, {
          organizationId,
          template: WEBHOOK_PAUSED_TEMPLATE,
          to: admin.email,
          data: { url: webhook.url, consecutiveFailures },
          subject: { type: 'audit_webhook', id: webhookId },
          events: { sent: 'audit.webhook_paused_mail_sent', failed: 'audit.webhook_paused_mail_failed' },
        });
      }
      return true;
    });
    return result;
  }
}
