import { Query } from '@nestjs/cqrs';
import type { Page } from '../../../../shared/pagination';
import type { WebhookDelivery } from '../../infrastructure/webhooks.repository';

/** A webhook's delivery log, newest first; another organization's webhook is not found. */
export class ListWebhookDeliveriesQuery extends Query<Page<WebhookDelivery>> {
  constructor(
    readonly organizationId: string,
    readonly webhookId: string,
    readonly page: { cursor?: string; limit: number },
  ) {
    super();
  }
}
