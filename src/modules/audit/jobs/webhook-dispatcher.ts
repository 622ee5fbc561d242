import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { AppConfig } from '../../../infrastructure/config/app-config';
import { EventStore } from '../../../infrastructure/event-store/event-store';
import { SecretBox } from '../../../infrastructure/security/secret-box';
import { Clock } from '../../../shared/clock';
import { PauseWebhookCommand } from '../commands/pause-webhook/pause-webhook.command';
import { WEBHOOK_SECRET_CONTEXT } from '../commands/create-webhook/create-webhook.handler';
import { signWebhook } from '../domain/standard-webhooks';
import { postPinned, resolveTarget } from '../infrastructure/webhook-target';

interface DueDelivery {
  id: string;
  webhook_id: string;
  organization_id: string;
  event_id: string;
  attempts: number;
  url: string;
  secret_sealed: string;
}

const BATCH = 50;

/**
 * Sends due deliveries, where workers run. A delivery is claimed by pushing its next
 * attempt past the timeout (so a dispatcher that dies frees it by itself), sent signed as
 * Standard Webhooks 1.0 to the address checked at this very attempt, and then settled:
 * delivered on a 2xx, otherwise retried with exponential backoff until the attempts run
 * out. A target failing `pauseAfterFailures` attempts in a row is paused and the
 * administrators are told. The table is the queue: Redis losing anything loses nothing here.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly em: EntityManager,
    private readonly store: EventStore,
    private readonly box: SecretBox,
    private readonly commands: CommandBus,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.drain()
        .catch((error: Error) => this.logger.warn(`webhook dispatch failed: ${error.message}`))
        .finally(() => (this.running = null));
    }, this.config.values.outbox.pollIntervalMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async drain(): Promise<void> {
    while (!this.stopped && (await this.dispatchBatch()) === BATCH) {
      // a full batch: more may be due
    }
  }

  async dispatchBatch(): Promise<number> {
    const { timeoutMs } = this.config.values.webhooks;
    const now = this.clock.now();
    const due = await this.em
      .fork()
      .getConnection()
      .execute<DueDelivery[]>(
        `update audit_webhook_deliveries d set next_attempt_at = ?, attempts = d.attempts + 1
           from audit_webhooks w
          where w.id = d.webhook_id and d.id in (
                select d2.id from audit_webhook_deliveries d2 join audit_webhooks w2 on w2.id = d2.webhook_id
                 where d2.status = 'pending' and d2.next_attempt_at <= ? and w2.status = 'active'
                 order by d2.next_attempt_at limit ${BATCH} for update of d2 skip locked)
          returning d.id, d.webhook_id, d.organization_id, d.event_id, d.attempts, w.url, w.secret_sealed`,
        [new Date(now.getTime() + 2 * timeoutMs + 1000), now],
        'all',
      );
    await Promise.all(due.map((delivery) => this.deliver(delivery)));
    return due.length;
  }

  private async deliver(delivery: DueDelivery): Promise<void> {
    const { allowPrivateTargets, timeoutMs } = this.config.values.webhooks;
    const event = await this.store.findById(this.em.fork(), delivery.event_id);
    if (!event) return this.settle(delivery, { ok: false, status: null, error: 'event not found' });
    // the data is the event in its exported, hashed form: a receiver can check it against the chain
    const body = JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event });
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    const secret = this.box.open(delivery.secret_sealed, `${WEBHOOK_SECRET_CONTEXT}:${delivery.webhook_id}`);
    try {
      // checked at every attempt: a name that pointed outside may point inside now
      const target = await resolveTarget(delivery.url, allowPrivateTargets);
      const { status } = await postPinned(
        target,
        {
          'webhook-id': delivery.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(secret, delivery.id, timestamp, body),
          'user-agent': 'Gatehouse-Webhooks/1',
        },
        body,
        timeoutMs,
      );
      await this.settle(delivery, { ok: status >= 200 && status < 300, status, error: status >= 200 && status < 300 ? null : `HTTP ${status}` });
    } catch (error) {
      await this.settle(delivery, { ok: false, status: null, error: (error as Error).message.slice(0, 500) });
    }
  }

  private async settle(delivery: DueDelivery, outcome: { ok: boolean; status: number | null; error: string | null }): Promise<void> {
    const { attempts, backoffMs, pauseAfterFailures } = this.config.values.webhooks;
    const now = this.clock.now();
    const connection = this.em.fork().getConnection();
    if (outcome.ok) {
      await connection.execute(
        `update audit_webhook_deliveries set status = 'delivered', delivered_at = ?, last_status = ?, last_error = null where id = ?`,
        [now, outcome.status, delivery.id],
        'run',
      );
      await connection.execute('update audit_webhooks set consecutive_failures = 0 where id = ?', [delivery.webhook_id], 'run');
      return;
    }
    const last = delivery.attempts >= attempts;
    await connection.execute(
      `update audit_webhook_deliveries set status = ?, next_attempt_at = ?, last_status = ?, last_error = ? where id = ?`,
      [last ? 'failed' : 'pending', new Date(now.getTime() + backoffMs * 2 ** (delivery.attempts - 1)), outcome.status, outcome.error, delivery.id],
      'run',
    );
    const [hook] = await connection.execute<{ consecutive_failures: number; status: string }[]>(
      'update audit_webhooks set consecutive_failures = consecutive_failures + 1 where id = ? returning consecutive_failures, status',
      [delivery.webhook_id],
      'all',
    );
    if (hook && hook.status === 'active' && hook.consecutive_failures >= pauseAfterFailures) {
      await this.commands.execute(new PauseWebhookCommand(delivery.organization_id, delivery.webhook_id, hook.consecutive_failures));
    }
  }
}
