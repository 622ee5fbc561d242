import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { NotFoundError } from '../../../../shared/domain-error';
import { WebhooksRepository } from '../../infrastructure/webhooks.repository';
import { DeleteWebhookCommand } from './delete-webhook.command';

@CommandHandler(DeleteWebhookCommand)
export class DeleteWebhookHandler implements ICommandHandler<DeleteWebhookCommand, void> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly webhooks: WebhooksRepository,
  ) {}

  async execute({ actor, organizationId, webhookId }: DeleteWebhookCommand): Promise<void> {
    await this.uow.run({ actor, organizationId }, async (context) => {
      const webhook = await this.webhooks.find(context.em, organizationId, webhookId);
      if (!webhook) throw new NotFoundError('Webhook');
      await this.webhooks.delete(context.em, organizationId, webhookId);
      context.record({ type: 'audit.webhook_deleted', organizationId, subject: { type: 'audit_webhook', id: webhookId }, payload: { url: webhook.url } });
    });
  }
}
