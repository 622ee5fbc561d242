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
import { canonicalPieces, GENESIS_HASH, hashEvent, hashPieces, type EventActor, type StoredEvent } from './event-hash';
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

function toEventActor(actor: Actor): EventActor {
  return { type: actor.type, id: actor.id, ip: actor.ip, userAgent: actor.userAgent, requestId: actor.requestId };
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
const INSERT_COLUMNS = 'id, organization_id, seq, type, actor, subject, payload, occurred_at, prev_hash, hash';
const APPEND_STATEMENT = {
  name: 'gatehouse_append_events',
  text: 'select o_seq, o_prev_hash, o_hash from gatehouse_append_events($1::uuid, $2::timestamptz, $3::jsonb)',
};

/**
 * The append-only event store. `append` runs inside the caller's transaction: it locks the
 * organization's stream head, so seq stays gap-free and the hash chain linear per
 * organization, and writes the outbox rows; once the transaction commits, the relays are
 * woken (RelayWake) to publish them.
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

  async append(em: EntityManager, actor: Actor, events: DomainEvent[]): Promise<StoredEvent[]> {
    if (!events.length) return [];
    this.check(events);
    if (!em.isInTransaction()) throw new Error('events are appended inside the command transaction');
    const connection = em.getConnection();
    const trx = em.getTransactionContext<Knex.Transaction>();
    if (trx) this.wakeRelaysOnCommit(trx);
    const occurredAt = this.clock.now().toISOString();
    const eventActor = toEventActor(actor);
    // the usual case, one organization whose stream exists: one round trip, the head taken last
    if (trx && events.every((e) => e.organizationId === events[0].organizationId)) {
      const chained = await this.appendInOneStatement(await transactionConnection(trx), eventActor, events, occurredAt);
      if (chained) return chained;
    }
    const stored: StoredEvent[] = [];
    // One round trip locks and reads every stream head the events touch (creating a missing
    // one): the VALUES rows are upserted in order, sorted, so two commands touching the same
    // organizations cannot deadlock. ON CONFLICT DO UPDATE takes the row lock FOR UPDATE would.
    const organizations = [...new Set(events.map((e) => e.organizationId))].sort();
    const heads = new Map<string, { seq: number; hash: string }>();
    const locked = await connection.execute<{ organization_id: string; last_seq: string; last_hash: string }[]>(
      `insert into event_streams (organization_id, last_seq, last_hash) values ${organizations.map(() => '(?, 0, ?)').join(', ')}
       on conflict (organization_id) do update set last_seq = event_streams.last_seq
       returning organization_id, last_seq, last_hash`,
      organizations.flatMap((organizationId) => [organizationId, GENESIS_HASH]),
      'all',
      trx,
    );
    for (const head of locked) heads.set(head.organization_id, { seq: Number(head.last_seq), hash: head.last_hash });
    const started = new Map([...heads].map(([organizationId, head]) => [organizationId, head.seq]));
    for (const event of events) {
      const head = heads.get(event.organizationId)!;
      const unhashed = {
        id: this.ids.uuid(),
        organizationId: event.organizationId,
        seq: head.seq + 1,
        type: event.type,
        actor: eventActor,
        subject: event.subject,
        // the JSON round trip drops undefined values exactly as jsonb storage will
        payload: JSON.parse(JSON.stringify(event.payload)) as Record<string, unknown>,
        occurredAt,
        prevHash: head.hash,
      };
      const full: StoredEvent = { ...unhashed, hash: hashEvent(unhashed) };
      stored.push(full);
      heads.set(event.organizationId, { seq: full.seq, hash: full.hash });
    }
    // A second round trip writes the rest as one statement: the events, their outbox rows and
    // the new stream heads. Data-modifying CTEs run to completion whether or not the query reads them.
    const headRows = [...heads];
    const written = await connection.execute<{ moved: number }[]>(
      `with appended as (
         insert into events (${INSERT_COLUMNS})
         values ${stored.map(() => '(?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?)').join(', ')}
       ), outbox as (
         insert into event_outbox (event_id, organization_id) values ${stored.map(() => '(?::uuid, ?::uuid)').join(', ')}
       ), advanced as (
         update event_streams s set last_seq = h.seq, last_hash = h.hash
           from (values ${headRows.map(() => '(?::uuid, ?::bigint, ?::text, ?::bigint)').join(', ')}) as h (organization_id, seq, hash, started)
          where s.organization_id = h.organization_id and s.last_seq = h.started
          returning 1
       )
       select (select count(*) from advanced)::int as moved`,
      [
        ...stored.flatMap((e) => [
          e.id,
          e.organizationId,
          e.seq,
          e.type,
          JSON.stringify(e.actor),
          JSON.stringify(e.subject),
          JSON.stringify(e.payload),
          e.occurredAt,
          e.prevHash,
          e.hash,
        ]),
        ...stored.flatMap((e) => [e.id, e.organizationId]),
        ...headRows.flatMap(([organizationId, head]) => [organizationId, head.seq, head.hash, started.get(organizationId)]),
      ],
      'all',
      trx,
    );
    // compare-and-set on the locked heads: with events partitioned by month no index spans
    // every (organization_id, seq), so this is what keeps a seq from being handed out twice
    if (written[0]?.moved !== headRows.length) throw new Error('a stream head moved during an append');
    return stored;
  }

  /**
   * `append` on a pg connection that holds a transaction of its own, not the ORM's (a command
   * whose state change is statements only: `UnitOfWork.runStatements`): the one-statement path
   * only. Null, having written nothing, when the events span organizations or the stream head
   * does not exist yet: the caller rolls back and runs the command the ORM's way. The caller
   * wakes the relays once it has committed (`committed`).
   */
  async appendOn(client: ClientBase, actor: Actor, events: DomainEvent[]): Promise<StoredEvent[] | null> {
    if (!events.length) return [];
    this.check(events);
    if (!events.every((e) => e.organizationId === events[0].organizationId)) return null;
    return this.appendInOneStatement(client, toEventActor(actor), events, this.clock.now().toISOString());
  }

  /** After the COMMIT of events appended by `appendOn`: the relays publish them. */
  committed(): void {
    this.relays.wake();
  }

  private check(events: DomainEvent[]): void {
    for (const event of events) {
      if (this.validatePayloads) this.catalogue.validate(event);
      else this.catalogue.assertDeclared(event.type);
    }
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

  /**
   * One round trip does the whole append of one organization's events
   * (gatehouse_append_events, a migration's function): it locks the stream head, chains the
   * events from it (PostgreSQL hashes the canonical JSON this process prepared around the two
   * values only the head knows: `canonicalPieces`), writes them and their outbox rows, and
   * moves the head. So the head is held from this last statement to COMMIT only, and commands
   * of one organization queue on it for no longer. Answers null, having written nothing,
   * when the head does not exist yet (the two-round-trip path then creates it). Every command runs this statement: it goes as a named prepared statement
   * straight on the transaction's connection, with its values as parameters, not through the
   * ORM's raw query (which inlines the values into the text) and knex's query runner.
   */
  private async appendInOneStatement(
    client: ClientBase,
    actor: EventActor,
    events: DomainEvent[],
    occurredAt: string,
  ): Promise<StoredEvent[] | null> {
    const organizationId = events[0].organizationId;
    const prepared = events.map((event) => {
      const unchained = {
        id: this.ids.uuid(),
        organizationId,
        type: event.type,
        actor,
        subject: event.subject,
        // the JSON round trip drops undefined values exactly as jsonb storage will
        payload: JSON.parse(JSON.stringify(event.payload)) as Record<string, unknown>,
        occurredAt,
      };
      return { unchained, pieces: canonicalPieces(unchained) };
    });
    const { rows } = await client.query<{ o_seq: string; o_prev_hash: string; o_hash: string }>({
      ...APPEND_STATEMENT,
      values: [
        organizationId,
        occurredAt,
        JSON.stringify(prepared.map(({ unchained: e, pieces }, i) => ({ i, id: e.id, type: e.type, actor: e.actor, subject: e.subject, payload: e.payload, ...pieces }))),
      ],
    });
    // no stream head yet: nothing was written (the chain is empty)
    if (!rows.length) return null;
    if (rows.length !== prepared.length) throw new Error('the append wrote a different number of events');
    return prepared.map(({ unchained, pieces }, i) => {
      const seq = Number(rows[i].o_seq);
      const { id, organizationId: organization, type, actor: by, subject, payload } = unchained;
      const stored: StoredEvent = { id, organizationId: organization, seq, type, actor: by, subject, payload, occurredAt, prevHash: rows[i].o_prev_hash, hash: rows[i].o_hash };
      // the database hashed what this process would have: checked, as the chain is the product
      if (hashPieces(pieces, stored.prevHash, seq) !== stored.hash) throw new Error('the chained hash differs from the event');
      return stored;
    });
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
