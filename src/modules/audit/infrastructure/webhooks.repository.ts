import { Injectable } from '@nestjs/common';
import { EntityManager, type Knex } from '@mikro-orm/postgresql';
import { RFC3339_MS } from '../../../infrastructure/event-store/event-store';

export interface Webhook {
  id: string;
  organizationId: string;
  url: string;
  eventTypes: string[];
  status: 'active' | 'paused';
  consecutiveFailures: number;
  createdAt: string;
  pausedAt: string | null;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  seq: number;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

interface WebhookRow {
  id: string;
  organization_id: string;
  url: string;
  event_types: string[];
  status: Webhook['status'];
  consecutive_failures: number;
  created_at: string;
  paused_at: string | null;
}

const WEBHOOK_COLUMNS = `id, organization_id, url, event_types, status, consecutive_failures,
  to_char(created_at at time zone 'UTC', ${RFC3339_MS}) as created_at,
  to_char(paused_at at time zone 'UTC', ${RFC3339_MS}) as paused_at`;

const toWebhook = (row: WebhookRow): Webhook => ({
  id: row.id,
  organizationId: row.organization_id,
  url: row.url,
  eventTypes: row.event_types,
  status: row.status,
  consecutiveFailures: row.consecutive_failures,
  createdAt: row.created_at,
  pausedAt: row.paused_at,
});

/** Whether a webhook subscribed to `type`: an exact type, a prefix such as `auth.*`, or `*`. */
export function wantsType(eventTypes: readonly string[], type: string): boolean {
  return eventTypes.some((wanted) => wanted === '*' || wanted === type || (wanted.endsWith('.*') && type.startsWith(wanted.slice(0, -1))));
}

const trx = (em: EntityManager) => (em.isInTransaction() ? em.getTransactionContext<Knex.Transaction>() : undefined);

/** Webhooks and their delivery log, scoped by organization in every statement. */
@Injectable()
export class WebhooksRepository {
  async insert(em: EntityManager, row: { id: string; organizationId: string; url: string; eventTypes: string[]; secretSealed: string; createdBy: string | null; now: Date }): Promise<void> {
    await em
      .getConnection()
      .execute(
        `insert into audit_webhooks (id, organization_id, url, event_types, secret_sealed, created_by, created_at)
         values (?, ?, ?, array(select jsonb_array_elements_text(?::jsonb)), ?, ?, ?)`,
        [row.id, row.organizationId, row.url, JSON.stringify(row.eventTypes), row.secretSealed, row.createdBy, row.now],
        'run',
        trx(em),
      );
  }

  async find(em: EntityManager, organizationId: string, id: string): Promise<Webhook | null> {
    const [row] = await em
      .getConnection()
      .execute<WebhookRow[]>(`select ${WEBHOOK_COLUMNS} from audit_webhooks where organization_id = ? and id = ?`, [organizationId, id], 'all', trx(em));
    return row ? toWebhook(row) : null;
  }

  async list(em: EntityManager, organizationId: string): Promise<Webhook[]> {
    const rows = await em
      .getConnection()
      .execute<WebhookRow[]>(`select ${WEBHOOK_COLUMNS} from audit_webhooks where organization_id = ? order by created_at desc, id`, [organizationId], 'all');
    return rows.map(toWebhook);
  }

  /** Every webhook of the organization with its sealed secret (the fan-out and the dispatcher). */
  async forOrganization(em: EntityManager, organizationId: string): Promise<(Webhook & { secretSealed: string })[]> {
    const rows = await em
      .getConnection()
      .execute<(WebhookRow & { secret_sealed: string })[]>(
        `select ${WEBHOOK_COLUMNS}, secret_sealed from audit_webhooks where organization_id = ?`,
        [organizationId],
        'all',
        trx(em),
      );
    return rows.map((row) => ({ ...toWebhook(row), secretSealed: row.secret_sealed }));
  }

  async delete(em: EntityManager, organizationId: string, id: string): Promise<void> {
    await em.getConnection().execute('delete from audit_webhooks where organization_id = ? and id = ?', [organizationId, id], 'run', trx(em));
  }

  /** Pauses an active webhook; answers false when it was not active (someone else paused it first). */
  async pause(em: EntityManager, organizationId: string, id: string, now: Date): Promise<boolean> {
    const rows = await em
      .getConnection()
      .execute<{ id: string }[]>(
        `update audit_webhooks set status = 'paused', paused_at = ? where organization_id = ? and id = ? and status = 'active' returning id`,
        [now, organizationId, id],
        'all',
        trx(em),
      );
    return rows.length > 0;
  }

  async deliveries(em: EntityManager, organizationId: string, webhookId: string, limit: number, before?: { createdAt: string; id: string }): Promise<WebhookDelivery[]> {
    const rows = await em
      .getConnection()
      .execute<
        {
          id: string;
          event_id: string;
          seq: string;
          event_type: string;
          status: WebhookDelivery['status'];
          attempts: number;
          last_status: number | null;
          last_error: string | null;
          created_at: string;
          delivered_at: string | null;
        }[]
      >(
        `select id, event_id, seq, event_type, status, attempts, last_status, last_error,
                to_char(created_at at time zone 'UTC', ${RFC3339_MS}) as created_at,
                to_char(delivered_at at time zone 'UTC', ${RFC3339_MS}) as delivered_at
           from audit_webhook_deliveries
          where organization_id = ? and webhook_id = ? ${before ? 'and (created_at, id) < (?::timestamptz, ?)' : ''}
          order by created_at desc, id desc limit ${limit}`,
        before ? [organizationId, webhookId, before.createdAt, before.id] : [organizationId, webhookId],
        'all',
      );
    return rows.map((row) => ({
      id: row.id,
      eventId: row.event_id,
      seq: Number(row.seq),
      eventType: row.event_type,
      status: row.status,
      attempts: row.attempts,
      lastStatus: row.last_status,
      lastError: row.last_error,
      createdAt: row.created_at,
      deliveredAt: row.delivered_at,
    }));
  }
}
