import { Injectable } from '@nestjs/common';
import { EntityManager, type Knex } from '@mikro-orm/postgresql';
import { RFC3339_MS } from '../../../infrastructure/event-store/event-store';
import type { WaitingAlert } from '../domain/alert-mail';
import type { GroupableAlert } from '../domain/alert-grouping';
import type { AlertStatus } from '../domain/security-alert-status';
import type { AlertSeverity, Hit } from '../domain/security-rules';

export interface SecurityAlert {
  id: string;
  rule: string;
  severity: AlertSeverity;
  status: AlertStatus;
  key: { type: string; value: string };
  summary: string;
  eventCount: number;
  firstSeenAt: string;
  lastSeenAt: string;
  raisedAt: string;
  acknowledged: { by: string | null; at: string; note: string | null } | null;
  resolved: { by: string | null; at: string; note: string | null } | null;
}

export interface AlertEvent {
  id: string;
  seq: number;
  type: string;
  actor: { type: string; id: string | null; ip: string | null };
  subject: { type: string; id: string | null };
  payload: Record<string, unknown>;
  occurredAt: string;
}

export interface AlertFilter {
  severity?: string;
  status?: string;
  rule?: string;
}

interface AlertRow {
  id: string;
  rule: string;
  severity: AlertSeverity;
  status: AlertStatus;
  key_type: string;
  key_value: string;
  summary: string;
  event_count: number;
  first_seen_at: string;
  last_seen_at: string;
  raised_at: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  acknowledged_note: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
  resolved_note: string | null;
}

const ts = (column: string) => `to_char(${column} at time zone 'UTC', ${RFC3339_MS}) as ${column}`;
const ALERT_COLUMNS = `id, rule, severity, status, key_type, key_value, summary, event_count, ${ts('first_seen_at')}, ${ts('last_seen_at')},
  ${ts('raised_at')}, acknowledged_by, ${ts('acknowledged_at')}, acknowledged_note, resolved_by, ${ts('resolved_at')}, resolved_note`;

const toAlert = (row: AlertRow): SecurityAlert => ({
  id: row.id,
  rule: row.rule,
  severity: row.severity,
  status: row.status,
  key: { type: row.key_type, value: row.key_value },
  summary: row.summary,
  eventCount: row.event_count,
  firstSeenAt: row.first_seen_at,
  lastSeenAt: row.last_seen_at,
  raisedAt: row.raised_at,
  acknowledged: row.acknowledged_at ? { by: row.acknowledged_by, at: row.acknowledged_at, note: row.acknowledged_note } : null,
  resolved: row.resolved_at ? { by: row.resolved_by, at: row.resolved_at, note: row.resolved_note } : null,
});

const trx = (em: EntityManager) => (em.isInTransaction() ? em.getTransactionContext<Knex.Transaction>() : undefined);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Security alerts and the events behind them, scoped by organization in every statement. */
@Injectable()
export class SecurityAlertsRepository {
  async find(em: EntityManager, organizationId: string, id: string, options: { lock?: boolean } = {}): Promise<SecurityAlert | null> {
    if (!UUID.test(id)) return null;
    const [row] = await em
      .getConnection()
      .execute<AlertRow[]>(
        `select ${ALERT_COLUMNS} from security_alerts where organization_id = ? and id = ?${options.lock ? ' for update' : ''}`,
        [organizationId, id],
        'all',
        trx(em),
      );
    return row ? toAlert(row) : null;
  }

  /** Newest first by (raised_at, id); `before` is the last item of the previous page. */
  async list(em: EntityManager, organizationId: string, filter: AlertFilter, limit: number, before?: { raisedAt: string; id: string }): Promise<SecurityAlert[]> {
    const conditions = ['organization_id = ?'];
    const params: unknown[] = [organizationId];
    for (const [column, value] of [['severity', filter.severity], ['status', filter.status], ['rule', filter.rule]] as const) {
      if (value) {
        conditions.push(`${column} = ?`);
        params.push(value);
      }
    }
    if (before) {
      conditions.push('(raised_at, id) < (?::timestamptz, ?::uuid)');
      params.push(before.raisedAt, before.id);
    }
    const rows = await em
      .getConnection()
      .execute<AlertRow[]>(`select ${ALERT_COLUMNS} from security_alerts where ${conditions.join(' and ')} order by raised_at desc, id desc limit ${limit}`, params, 'all');
    return rows.map(toAlert);
  }

  /** The newest events behind an alert (from the store itself), newest first. */
  async events(em: EntityManager, organizationId: string, alertId: string, limit: number): Promise<AlertEvent[]> {
    const rows = await em.getConnection().execute<
      { id: string; seq: string; type: string; actor: { type: string; id: string | null; ip: string | null }; subject: AlertEvent['subject']; payload: Record<string, unknown>; occurred_at: string }[]
    >(
      `select e.id, e.seq, e.type, e.actor, e.subject, e.payload, to_char(e.occurred_at at time zone 'UTC', ${RFC3339_MS}) as occurred_at
         from security_alert_events a join events e on e.id = a.event_id and e.organization_id = a.organization_id
        where a.organization_id = ? and a.alert_id = ? order by a.seq desc limit ${limit}`,
      [organizationId, alertId],
      'all',
    );
    return rows.map((row) => ({
      id: row.id,
      seq: Number(row.seq),
      type: row.type,
      actor: { type: row.actor.type, id: row.actor.id, ip: row.actor.ip },
      subject: row.subject,
      payload: row.payload,
      occurredAt: row.occurred_at,
    }));
  }

  /** The unresolved alerts of these rules and keys (the ones a detection may group into). */
  async unresolved(tx: EntityManager, organizationId: string, keys: { rule: string; keyValue: string }[]): Promise<GroupableAlert[]> {
    if (!keys.length) return [];
    const rows = await tx.getConnection().execute<{ id: string; rule: string; key_value: string; last_seen_at: string }[]>(
      `select id, rule, key_value, ${ts('last_seen_at')} from security_alerts
        where organization_id = ? and status <> 'resolved'
          and (rule, key_value) in (select k->>0, k->>1 from jsonb_array_elements(?::jsonb) k)`,
      [organizationId, JSON.stringify(keys.map((key) => [key.rule, key.keyValue]))],
      'all',
      trx(tx),
    );
    return rows.map((row) => ({ id: row.id, rule: row.rule, keyValue: row.key_value, lastSeenAt: row.last_seen_at }));
  }

  async insert(
    tx: EntityManager,
    alert: { id: string; organizationId: string; rule: string; severity: AlertSeverity; key: { type: string; value: string }; summary: string; raisedAt: Date; events: Hit[] },
  ): Promise<void> {
    const times = alert.events.map((hit) => hit.at).sort();
    await tx
      .getConnection()
      .execute(
        `insert into security_alerts (id, organization_id, rule, severity, key_type, key_value, summary, first_seen_at, last_seen_at, raised_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [alert.id, alert.organizationId, alert.rule, alert.severity, alert.key.type, alert.key.value, alert.summary, times[0], times[times.length - 1], alert.raisedAt],
        'run',
        trx(tx),
      );
    await this.addEvents(tx, alert.organizationId, alert.id, alert.events);
  }

  /** Links events to an alert (each once): how many were new, and how many it now has. */
  async addEvents(tx: EntityManager, organizationId: string, alertId: string, events: Hit[]): Promise<{ added: number; total: number }> {
    const connection = tx.getConnection();
    const inserted = events.length
      ? await connection.execute<{ event_id: string }[]>(
          `insert into security_alert_events (alert_id, organization_id, event_id, seq)
           select ?, ?, (h->>'id')::uuid, (h->>'seq')::bigint from jsonb_array_elements(?::jsonb) h on conflict do nothing returning event_id`,
          [alertId, organizationId, JSON.stringify(events)],
          'all',
          trx(tx),
        )
      : [];
    const [row] = await connection.execute<{ event_count: number }[]>(
      `update security_alerts a set event_count = (select count(*) from security_alert_events e where e.alert_id = a.id),
              last_seen_at = greatest(a.last_seen_at, coalesce((select max((h->>'at')::timestamptz) from jsonb_array_elements(?::jsonb) h), a.last_seen_at))
        where a.organization_id = ? and a.id = ? returning a.event_count`,
      [JSON.stringify(events), organizationId, alertId],
      'all',
      trx(tx),
    );
    return { added: inserted.length, total: row?.event_count ?? 0 };
  }

  async setStatus(tx: EntityManager, organizationId: string, id: string, change: { status: 'acknowledged' | 'resolved'; by: string | null; at: Date; note: string | null }): Promise<void> {
    const prefix = change.status === 'acknowledged' ? 'acknowledged' : 'resolved';
    await tx
      .getConnection()
      .execute(
        `update security_alerts set status = ?, ${prefix}_by = ?, ${prefix}_at = ?, ${prefix}_note = ? where organization_id = ? and id = ?`,
        [change.status, change.by, change.at, change.note, organizationId, id],
        'run',
        trx(tx),
      );
  }

  /**
   * In the caller's transaction, which then holds the organization's alert mail until it ends
   * (the detector's pass and the digest job mail each alert once): the unresolved alerts no
   * administrator was mailed about yet, the oldest first, and when the last alert mail went.
   */
  async takeWaitingForMail(tx: EntityManager, organizationId: string): Promise<{ waiting: WaitingAlert[]; lastMailedAt: Date | null }> {
    const connection = tx.getConnection();
    await connection.execute("select pg_advisory_xact_lock(hashtext('security-alert-mail:' || ?))", [organizationId], 'all', trx(tx));
    const waiting = await connection.execute<WaitingAlert[]>(
      `select id, rule, severity, summary from security_alerts
        where organization_id = ? and mailed_at is null and status <> 'resolved' order by raised_at, id`,
      [organizationId],
      'all',
      trx(tx),
    );
    const [last] = await connection.execute<{ last_mailed_at: Date }[]>('select last_mailed_at from security_alert_mailings where organization_id = ?', [organizationId], 'all', trx(tx));
    return { waiting, lastMailedAt: last ? new Date(last.last_mailed_at) : null };
  }

  /** The organization's waiting alerts (resolved ones too) were mailed at `at`. */
  async markMailed(tx: EntityManager, organizationId: string, at: Date): Promise<void> {
    const connection = tx.getConnection();
    await connection.execute('update security_alerts set mailed_at = ? where organization_id = ? and mailed_at is null', [at, organizationId], 'run', trx(tx));
    await connection.execute(
      `insert into security_alert_mailings (organization_id, last_mailed_at) values (?, ?)
       on conflict (organization_id) do update set last_mailed_at = excluded.last_mailed_at`,
      [organizationId, at],
      'run',
      trx(tx),
    );
  }

  /** Organizations with unresolved alerts waiting for a mail whose last alert mail went at or before `before` (or never). */
  async organizationsWithMailDue(em: EntityManager, before: Date): Promise<string[]> {
    const rows = await em.getConnection().execute<{ organization_id: string }[]>(
      `select a.organization_id from security_alerts a left join security_alert_mailings m on m.organization_id = a.organization_id
        where a.mailed_at is null and a.status <> 'resolved' and (m.last_mailed_at is null or m.last_mailed_at <= ?)
        group by a.organization_id`,
      [before],
      'all',
    );
    return rows.map((row) => row.organization_id);
  }
}
