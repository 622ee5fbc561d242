import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EntityManager, type Knex } from '@mikro-orm/postgresql';
import { EventCatchUp, type PositionedConsumer } from '../../../infrastructure/event-store/event-catch-up';
import type { StoredEvent } from '../../../infrastructure/event-store/event-hash';
import { Clock } from '../../../shared/clock';
import { IdGenerator } from '../../../shared/ids';
import { wantsType, WebhooksRepository } from '../infrastructure/webhooks.repository';

/**
 * Offers each event to the organization's webhooks that asked for its type: one delivery
 * row per webhook and event, written with the fan-out's position, so exactly once. A
 * paused webhook still collects its deliveries; they wait until it is active again.
 */
@Injectable()
export class WebhookFanout implements PositionedConsumer, OnModuleInit {
  readonly name = 'audit_webhooks';
  readonly types = null;

  constructor(
    private readonly catchUp: EventCatchUp,
    private readonly webhooks: WebhooksRepository,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  onModuleInit(): void {
    this.catchUp.attach(this);
  }

  async apply(tx: EntityManager, events: StoredEvent[]): Promise<void> {
    const hooks = await this.webhooks.forOrganization(tx, events[0].organizationId);
    if (!hooks.length) return;
    const now = this.clock.now();
    const rows = events.flatMap((event) =>
      hooks.filter((hook) => wantsType(hook.eventTypes, event.type)).map((hook) => [this.ids.uuid(), hook.id, event.organizationId, event.id, event.seq, event.type, now, now]),
    );
    if (!rows.length) return;
    await tx.getConnection().execute(
      `insert into audit_webhook_deliveries (id, webhook_id, organization_id, event_id, seq, event_type, next_attempt_at, created_at)
       values ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')} on conflict (webhook_id, event_id) do nothing`,
      rows.flat(),
      'run',
      tx.getTransactionContext<Knex.Transaction>(),
    );
  }
}
