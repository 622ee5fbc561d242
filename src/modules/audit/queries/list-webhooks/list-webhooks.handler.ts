import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { WebhooksRepository, type Webhook } from '../../infrastructure/webhooks.repository';
import { ListWebhooksQuery } from './list-webhooks.query';

@QueryHandler(ListWebhooksQuery)
export class ListWebhooksHandler implements IQueryHandler<ListWebhooksQuery, Webhook[]> {
  constructor(
    private readonly em: EntityManager,
    private readonly webhooks: WebhooksRepository,
  ) {}

  execute({ organizationId }: ListWebhooksQuery): Promise<Webhook[]> {
    return this.webhooks.list(this.em.fork(), organizationId);
  }
}
