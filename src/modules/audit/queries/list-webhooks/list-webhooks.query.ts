import { Query } from '@nestjs/cqrs';
import type { Webhook } from '../../infrastructure/webhooks.repository';

/** The organization's webhooks (never their secrets). */
export class ListWebhooksQuery extends Query<Webhook[]> {
  constructor(readonly organizationId: string) {
    super();
  }
}
