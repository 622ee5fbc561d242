import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../../../../shared/domain-error';
import { decodeCursor, encodeCursor, type Page } from '../../../../shared/pagination';
import { WebhooksRepository, type WebhookDelivery } from '../../infrastructure/webhooks.repository';
import { ListWebhookDeliveriesQuery } from './list-webhook-deliveries.query';

const isCursor = (value: unknown): value is { createdAt: string; id: string } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { createdAt?: unknown }).createdAt === 'string' &&
  !Number.isNaN(Date.parse((value as { createdAt: string }).createdAt)) &&
  typeof (value as { id?: unknown }).id === 'string' &&
  /^[0-9a-f-]{36}$/.test((value as { id: string }).id);

@QueryHandler(ListWebhookDeliveriesQuery)
export class ListWebhookDeliveriesHandler implements IQueryHandler<ListWebhookDeliveriesQuery, Page<WebhookDelivery>> {
  constructor(
    private readonly em: EntityManager,
    private readonly webhooks: WebhooksRepository,
  ) {}

  async execute({ organizationId, webhookId, page }: ListWebhookDeliveriesQuery): Promise<Page<WebhookDelivery>> {
    const em = this.em.fork();
    if (!(await this.webhooks.find(em, organizationId, webhookId))) throw new NotFoundError('Webhook');
    const before = decodeCursor(page.cursor, isCursor) ?? undefined;
    const rows = await this.webhooks.deliveries(em, organizationId, webhookId, page.limit + 1, before);
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > page.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
  }
}
