import type { Knex } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ClientBase } from 'pg';
import type { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import type { DomainEvent } from '../../shared/domain-event';
import { EventCatalogue } from '../../shared/event-catalogue';
import { IdGenerator } from '../../shared/ids';
import { AppConfig } from '../config/app-config';
import { transactionConnection } from '../database/transaction-connection';
import { canonicalPieces, type EventActor, type StoredEvent } from './event-hash';
import { RelayWake } from './relay-wake';

export interface EventRow {
  id: string;
  organization_id: string;
  seq: string;
  type: string;
  actor: EventActor;
  subject: StoredEvent['subject'];
  payload: Record<string, unknown>;
  occurred_at: string;
  prev_hash: string;
  hash: string;
}

/** What a seal answers of each event it chained. */
export interface SealedEvent {
  organizationId: string;
  id: string;
  type: string;
  seq: number;
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    organizationId: row.organization_id,
    seq: Number(row.seq),
    type: row.type,
    actor: row.actor,
    subject: row.subject,
    payload: row.payload,
    occurredAt: row.occurred_at,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

// occurred_at is rendered by PostgreSQL in the exported form (RFC 3339 UTC, milliseconds)
export const RFC3339_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const EVENT_COLUMNS = `id, organization_id, seq, type, actor, subject, payload,
  to_char(occurred_at at time zone 'UTC', ${RFC3339_MS}) as occurred_at, prev_hash, hash`;
const PENDING_STATEMENT = {
  name: 'gatehouse_pend_events',
  text: `insert into event_pending (id, organization_id, type, actor, subject, payload, occurred_at, prefix, middle, suffix)
         select x.id, x.organization_id, x.type, x.actor, x.subject, x.payload, $1::timestamptz, x.prefix, x.middle, x.suffix
           from jsonb_to_recordset($2::jsonb) as x (
                  i int, id uuid, organization_id uuid, type text, actor jsonb, subject jsonb, payload jsonb, prefix text, middle text, suffix text)
          order by x.i`,
};

/** An event as its command appended it: not chained yet (the sealer gives it seq, prevHash and hash). */
export type AppendedEvent = Omit<StoredEvent, 'seq' | 'prevHash' | 'hash'>;

/**
 * The append-only event store. `append` runs inside the caller's transaction and writes the
 * events unchained into `event_pending`, taking no lock; once the transaction commits, the
 * worker's relay is woken (RelayWake) and seals them (`gatehouse_seal_events`: seq, prev_hash
 * and hash from the organization's stream head, in commit order), then publishes them. So the
 * commands of one organization commit side by side instead of one after another through the
 * head; an event is in `events`, chained, milliseconds after its command's commit.
 */
@Injectable()
export class EventStore {
  /** Outside production every payload is checked against its declaration, so tests catch drift. */
  private readonly validatePayloads: boolean;

  constructor(
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly catalogue: EventCatalogue,
    config: AppConfig,
    private readonly relays: RelayWake,
  ) {
    this.validatePayloads = config.values.env !== 'production';
  }

  /**
   * Writes the events, unchained, in one statement. It goes as a named prepared statement
   * straight on the transaction's connection, with its values as parameters, not through the
   * ORM's raw query (which inlines the values into the text) and knex's query runner: every
   * command runs it. The canonical JSON is prepared here (`canonicalPieces`) around the two
   * values only the sealer knows, so the database hashes without parsing JSON.
   */
  async append(em: EntityManager, actor: Actor, events: DomainEvent[]): Promise<AppendedEvent[]> {
    if (!events.length) return [];
    if (!em.isInTransaction()) throw new Error('events are appended inside the command transaction');
    const trx = em.getTransactionContext<Knex.Transaction>();
    if (!trx) throw new Error('events are appended inside the command transaction');
    this.wakeRelaysOnCommit(trx);
    return this.pend(await transactionConnection(trx), actor, events);
  }

  /**
   * `append` on a pg connection that holds a transaction of its own, not the ORM's (a command
   * whose state change is statements only: `UnitOfWork.runStatements`). The caller wakes the
   * relays once it has committed (`committed`).
   */
  async appendOn(client: ClientBase, actor: Actor, events: DomainEvent[]): Promise<AppendedEvent[]> {
    if (!events.length) return [];
    return this.pend(client, actor, events);
  }

  /** After the COMMIT of events appended by `appendOn`: the relays seal and publish them. */
  committed(): void {
    this.relays.wake();
  }

  private async pend(client: ClientBase, actor: Actor, events: DomainEvent[]): Promise<AppendedEvent[]> {
    for (const event of events) {
      if (this.validatePayloads) this.catalogue.validate(event);
      else this.catalogue.assertDeclared(event.type);
    }
    const occurredAt = this.clock.now().toISOString();
    const eventActor: EventActor = {
      type: actor.type,
      id: actor.id,
      ip: actor.ip,
      userAgent: actor.userAgent,
      requestId: actor.requestId,
    };
    const appended: AppendedEvent[] = events.map((event) => ({
      id: this.ids.uuid(),
      organizationId: event.organizationId,
      type: event.type,
      actor: eventActor,
      subject: event.subject,
      // the JSON round trip drops undefined values exactly as jsonb storage will
      payload: JSON.parse(JSON.stringify(event.payload)) as Record<string, unknown>,
      occurredAt,
    }));
    const rows = appended.map((e, i) => ({
      i,
      id: e.id,
      organization_id: e.organizationId,
      type: e.type,
      actor: e.actor,
      subject: e.subject,
      payload: e.payload,
      ...canonicalPieces(e),
    }));
    const { rowCount } = await client.query({ ...PENDING_STATEMENT, values: [occurredAt, JSON.stringify(rows)] });
    if (rowCount !== appended.length) throw new Error('the append wrote a different number of events');
    return appended;
  }

  /**
   * Chains committed pending events into `events` (one transaction, up to `limit`, the oldest
   * first; see Migration20261203005000_event_sealer) and answers what it sealed, in seq order
   * per organization. The worker's relay runs it; anything may (two sealers serialize on the
   * organization's head and never chain a row twice).
   */
  async seal(em: EntityManager, limit: number): Promise<SealedEvent[]> {
    const rows = await em
      .getConnection()
      .execute<{ o_organization_id: string; o_id: string; o_type: string; o_seq: string }[]>(
        'select o_organization_id, o_id, o_type, o_seq from gatehouse_seal_events(?)',
        [limit],
        'all',
        em.getTransactionContext<Knex.Transaction>(),
      );
    return rows.map((row) => ({ organizationId: row.o_organization_id, id: row.o_id, type: row.o_type, seq: Number(row.o_seq) }));
  }

  /** Events committed and not sealed yet (a metric; the chain's backlog). */
  async pending(em: EntityManager): Promise<number> {
    const [row] = await em.getConnection().execute<{ count: string }[]>('select count(*) as count from event_pending', [], 'all');
    return Number(row.count);
  }

  /**
   * The relays hear of the events once the outermost transaction has committed. Hooked here,
   * where events are appended, so that no code committing a transaction (a command's unit of
   * work, a consumer's pass) can forget it. knex settles `executionPromise` when the
   * transaction ends: fulfilled at COMMIT (and at a rollback without an error: a wake-up that
   * finds nothing), rejected when the COMMIT fails.
   */
  private wakeRelaysOnCommit(trx: Knex.Transaction): void {
    let outermost = trx;
    while (outermost.parentTransaction) outermost = outermost.parentTransaction;
    outermost.executionPromise.then(
      () => this.relays.wake(),
      () => undefined,
    );
  }

  async findById(em: EntityManager, id: string): Promise<StoredEvent | null> {
    const [row] = await em
      .getConnection()
      .execute<EventRow[]>(`select ${EVENT_COLUMNS} from events where id = ?`, [id], 'all');
    return row ? toStoredEvent(row) : null;
  }

  /** Events of one organization in seq order, a batch at a time (for export and verify). */
  async *read(
    em: EntityManager,
    organizationId: string,
    range: { from?: Date; to?: Date; batchSize?: number } = {},
  ): AsyncGenerator<StoredEvent> {
    const batchSize = range.batchSize ?? 1000;
    let after = 0;
    for (;;) {
      const conditions = ['organization_id = ?', 'seq > ?'];
      const params: unknown[] = [organizationId, after];
      if (range.from) {
        conditions.push('occurred_at >= ?');
        params.push(range.from);
      }
      if (range.to) {
        conditions.push('occurred_at < ?');
        params.push(range.to);
      }
      const rows = await em
        .getConnection()
        .execute<EventRow[]>(
          `select ${EVENT_COLUMNS} from events where ${conditions.join(' and ')} order by seq limit ${batchSize}`,
          params,
          'all',
        );
      for (const row of rows) yield toStoredEvent(row);
      if (rows.length < batchSize) return;
      after = Number(rows[rows.length - 1].seq);
    }
  }

  /**
   * Events of one organization after `afterSeq` up to `untilSeq`, in seq order, within the
   * caller's transaction (a consumer catching up from its position).
   */
  async readAfter(
    tx: EntityManager,
    organizationId: string,
    range: { afterSeq: number; untilSeq: number; types: readonly string[] | null; limit: number },
  ): Promise<StoredEvent[]> {
    if (range.types?.length === 0) return [];
    const typeFilter = range.types ? `and type in (${range.types.map(() => '?').join(', ')})` : '';
    const rows = await tx
      .getConnection()
      .execute<EventRow[]>(
        `select ${EVENT_COLUMNS} from events
          where organization_id = ? and seq > ? and seq <= ? ${typeFilter}
          order by seq limit ${range.limit}`,
        [organizationId, range.afterSeq, range.untilSeq, ...(range.types ?? [])],
        'all',
        tx.getTransactionContext<Knex.Transaction>(),
      );
    return rows.map(toStoredEvent);
  }

  /** The event just before `seq` (the anchor a mid-chain verification starts from). */
  async findBySeq(em: EntityManager, organizationId: string, seq: number): Promise<StoredEvent | null> {
    const [row] = await em
      .getConnection()
      .execute<EventRow[]>(
        `select ${EVENT_COLUMNS} from events where organization_id = ? and seq = ?`,
        [organizationId, seq],
        'all',
      );
    return row ? toStoredEvent(row) : null;
  }

  /** The organization's stream head: the seq and hash of its last appended event. */
  async head(em: EntityManager, organizationId: string): Promise<{ seq: number; hash: string } | null> {
    const [row] = await em
      .getConnection()
      .execute<{ last_seq: string; last_hash: string }[]>(
        'select last_seq, last_hash from event_streams where organization_id = ?',
        [organizationId],
        'all',
      );
    return row ? { seq: Number(row.last_seq), hash: row.last_hash } : null;
  }
}
