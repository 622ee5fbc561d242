import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager, type Knex } from '@mikro-orm/postgresql';
import { AppConfig } from '../config/app-config';
import type { EventType } from '../../shared/event-catalogue';
import type { StoredEvent } from './event-hash';
import { EventStore } from './event-store';

/**
 * A reader of the event stream that keeps its own position per organization: a projection
 * or a reaction. What `apply` writes through `tx` commits together with the new position,
 * so each event takes effect exactly once; work done outside `tx` must be idempotent.
 */
export interface PositionedConsumer {
  /** The key of its position (and of its read model when it rebuilds). */
  readonly name: string;
  /** The event types it reads; null for every type. The position advances past the others. */
  readonly types: readonly EventType[] | null;
  /** Called only with at least one event, in seq order, all of one organization. */
  apply(tx: EntityManager, events: StoredEvent[]): Promise<void>;
  /**
   * Instead of `apply`, for a consumer of every type that needs no event in memory: applies
   * the seqs after `afterSeq` up to `untilSeq` (gap-free, so exactly the batch) in SQL. Used
   * when it catches up on its own; a shared pass that read the events hands them to `apply`.
   */
  applyRange?(tx: EntityManager, organizationId: string, range: { afterSeq: number; untilSeq: number }): Promise<void>;
  /**
   * The BullMQ queue whose jobs wake it (a relay in another process, or one whose pass here
   * failed, names it there). A relay in this process that saw the consumer reach the events
   * enqueues nothing for it.
   */
  readonly queue?: string;
}

interface PositionRow {
  projection: string;
  last_seq: string;
  head: string | null;
}

/**
 * Moves every attached consumer forward from its position in the store. A wake-up (the
 * outbox relay here, a BullMQ job from another instance's relay, the poll) names an
 * organization; one shared pass then reads the new events once and feeds every consumer
 * that is behind, in one transaction that locks their positions, applies each and moves
 * them together: what a consumer writes through the transaction commits with its position,
 * so a worker killed mid-batch loses and repeats nothing. If a shared pass fails (a
 * consumer throws), each consumer catches up alone in its own transaction, so one failing
 * consumer stalls only itself. Nothing depends on Redis keeping its jobs: the poll finds
 * whatever a lost job would have named. One pass per organization at a time in this
 * process; across processes the position rows' locks (taken in name order) serialize them.
 */
@Injectable()
export class EventCatchUp implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventCatchUp.name);
  private readonly consumers = new Map<string, PositionedConsumer>();
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly rerun = new Set<string>();
  private readonly reached = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly em: EntityManager,
    private readonly store: EventStore,
    private readonly config: AppConfig,
  ) {}

  attach(consumer: PositionedConsumer): void {
    this.consumers.set(consumer.name, consumer);
  }

  onApplicationBootstrap(): void {
    if (this.config.values.appRole === 'api' || !this.consumers.size) return;
    this.timer = setInterval(() => this.sweepNow(), this.config.values.outbox.pollIntervalMs);
    this.sweepNow();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
    await Promise.allSettled([...this.inflight.values()]);
  }

  /** Brings `consumer` (with every other consumer) to at least `seq` in the organization (a job's wake-up). */
  async wake(consumer: PositionedConsumer, organizationId: string, seq: number): Promise<void> {
    await this.reach(organizationId, seq, [consumer.name]);
  }

  /**
   * The outbox relay here took the wake-ups of committed events of the organization: every
   * consumer here catches up now, in a pass that begins after this call (a running one is
   * joined and runs once more), so its head includes those events. Answers whether every
   * consumer reached that head (false if the pass failed: logged).
   */
  async published(organizationId: string): Promise<boolean> {
    if (this.stopped || !this.consumers.size) return false;
    return this.schedule(organizationId).then(
      () => !this.stopped,
      (error: Error) => {
        this.logger.warn(`catching up in ${organizationId} failed: ${error.message}`);
        return false;
      },
    );
  }

  /** Whether a consumer here is woken by `queue`'s jobs (see `published`). */
  wakes(queue: string): boolean {
    return !this.stopped && [...this.consumers.values()].some((consumer) => consumer.queue === queue);
  }

  /**
   * Until `names` reached `seq`: a pass running now may already take them there (its head
   * was read when it began), so it is waited for before another is asked for.
   */
  private async reach(organizationId: string, seq: number, names: string[]): Promise<void> {
    const reached = () => names.every((name) => (this.reached.get(this.key(name, organizationId)) ?? 0) >= seq);
    while (!reached() && !this.stopped) {
      const running = this.inflight.get(organizationId);
      if (!running) return this.schedule(organizationId);
      await running.catch(() => undefined);
    }
  }

  /** One poll: every organization whose stream is ahead of some consumer's position, in one query. */
  async sweep(): Promise<void> {
    if (this.stopped || !this.consumers.size) return;
    const lagging = await this.em
      .fork()
      .getConnection()
      .execute<{ organization_id: string }[]>(
        `select s.organization_id from event_streams s
          where exists (select 1 from jsonb_array_elements_text(?::jsonb) c (name)
                          left join projection_positions p on p.projection = c.name and p.organization_id = s.organization_id
                         where coalesce(p.last_seq, 0) < s.last_seq)`,
        [JSON.stringify(this.names())],
        'all',
      );
    await Promise.all(lagging.map((row) => this.schedule(row.organization_id)));
  }

  /** Where each consumer stands in each organization (for rebuilds and tests). */
  async positions(organizationId: string): Promise<Record<string, number>> {
    const rows = await this.em
      .fork()
      .getConnection()
      .execute<{ projection: string; last_seq: string }[]>(
        'select projection, last_seq from projection_positions where organization_id = ?',
        [organizationId],
        'all',
      );
    return Object.fromEntries(rows.map((row) => [row.projection, Number(row.last_seq)]));
  }

  private sweepNow(): void {
    if (this.sweeping || this.stopped) return;
    this.sweeping = this.sweep()
      .catch((error: Error) => this.logger.warn(`catch-up poll failed: ${error.message}`))
      .finally(() => (this.sweeping = null));
  }

  private names(): string[] {
    return [...this.consumers.keys()].sort();
  }

  private key(consumerName: string, organizationId: string): string {
    return `${consumerName}/${organizationId}`;
  }

  /** Joins the pass running for this organization, which then runs once more. */
  private schedule(organizationId: string): Promise<void> {
    const running = this.inflight.get(organizationId);
    if (running) {
      this.rerun.add(organizationId);
      return running;
    }
    const pass = (async () => {
      do {
        this.rerun.delete(organizationId);
        await this.drain(organizationId);
      } while (this.rerun.has(organizationId) && !this.stopped);
    })().finally(() => this.inflight.delete(organizationId));
    this.inflight.set(organizationId, pass);
    return pass;
  }

  private async drain(organizationId: string): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      let more: boolean;
      try {
        more = await this.sharedStep(organizationId);
      } catch (error) {
        this.logger.warn(`shared catch-up in ${organizationId} failed (${(error as Error).message}); each consumer catches up alone`);
        return this.drainEach(organizationId);
      }
      if (!more) return;
    }
  }

  /** Each consumer in a transaction of its own (after a failed shared pass): the first error is thrown once all tried. */
  private async drainEach(organizationId: string): Promise<void> {
    let failure: Error | null = null;
    for (const consumer of this.consumers.values()) {
      try {
        while (!this.stopped && (await this.step(consumer, organizationId))) {
          // a full batch: read on
        }
      } catch (error) {
        failure ??= error as Error;
      }
    }
    if (failure) throw failure;
  }

  /** Locks the positions of `names` in the organization (creating missing ones), with the stream's head. */
  private async lockPositions(tx: EntityManager, organizationId: string, names: string[]): Promise<{ positions: Map<string, number>; head: number }> {
    const connection = tx.getConnection();
    const trx = tx.getTransactionContext<Knex.Transaction>();
    // the positions locked in name order and the stream's head in one round trip; the head comes
    // from this statement's snapshot, so every event up to it is committed and visible to the reads after
    const lock = () =>
      connection.execute<PositionRow[]>(
        `select p.projection, p.last_seq, (select s.last_seq from event_streams s where s.organization_id = p.organization_id) as head
           from projection_positions p
          where p.organization_id = ? and p.projection in (select jsonb_array_elements_text(?::jsonb))
          order by p.projection for update of p`,
        [organizationId, JSON.stringify(names)],
        'all',
        trx,
      );
    let rows = await lock();
    if (rows.length < names.length) {
      await connection.execute(
        `insert into projection_positions (projection, organization_id, last_seq)
         select name, ?, 0 from jsonb_array_elements_text(?::jsonb) as c (name) order by name on conflict do nothing`,
        [organizationId, JSON.stringify(names)],
        'run',
        trx,
      );
      rows = await lock();
    }
    return { positions: new Map(rows.map((row) => [row.projection, Number(row.last_seq)])), head: Number(rows[0]?.head ?? 0) };
  }

  /**
   * One batch for every consumer behind in the organization, in one transaction: the events
   * after the lowest position read once, each consumer given those after its own position
   * (of its types), every position moved in one statement. Answers whether more is waiting.
   */
  private async sharedStep(organizationId: string): Promise<boolean> {
    const batchSize = this.config.values.outbox.batchSize;
    const names = this.names();
    const outcome = await this.em.fork().transactional(async (tx) => {
      const { positions, head } = await this.lockPositions(tx, organizationId, names);
      const behind = names.filter((name) => positions.get(name)! < head);
      if (!behind.length) return { reached: positions, more: false };
      const from = Math.min(...behind.map((name) => positions.get(name)!));
      const until = Math.min(head, from + batchSize);
      // seqs are gap-free per organization: this is every event of the batch, once
      const events = await this.store.readAfter(tx, organizationId, { afterSeq: from, untilSeq: until, types: null, limit: batchSize });
      // a consumer that appends events (the security detector) writes them unchained into
      // event_pending, taking no lock: they are sealed after this pass commits
      for (const consumer of behind.map((name) => this.consumers.get(name)!)) {
        const position = positions.get(consumer.name)!;
        const types = consumer.types ? new Set<string>(consumer.types) : null;
        const mine = events.filter((event) => event.seq > position && (!types || types.has(event.type)));
        if (mine.length) await consumer.apply(tx, mine);
      }
      await tx.getConnection().execute(
        `update projection_positions p set last_seq = ?, updated_at = now()
          where p.organization_id = ? and p.projection in (select jsonb_array_elements_text(?::jsonb))`,
        [until, organizationId, JSON.stringify(behind)],
        'run',
        tx.getTransactionContext<Knex.Transaction>(),
      );
      for (const name of behind) positions.set(name, until);
      return { reached: positions, more: until < head };
    });
    // remembered only once committed: a rolled-back pass has reached nothing
    for (const [name, seq] of outcome.reached) this.reached.set(this.key(name, organizationId), seq);
    return outcome.more;
  }

  /** Applies one batch of one consumer and advances its position with it; answers whether more is waiting. */
  private async step(consumer: PositionedConsumer, organizationId: string): Promise<boolean> {
    const batchSize = this.config.values.outbox.batchSize;
    const outcome = await this.em.fork().transactional(async (tx) => {
      const { positions, head: until } = await this.lockPositions(tx, organizationId, [consumer.name]);
      const from = positions.get(consumer.name)!;
      if (until <= from) return { reached: from, more: false };
      let reached: number;
      if (consumer.applyRange && consumer.types === null) {
        reached = Math.min(from + batchSize, until);
        await consumer.applyRange(tx, organizationId, { afterSeq: from, untilSeq: reached });
      } else {
        const events = await this.store.readAfter(tx, organizationId, { afterSeq: from, untilSeq: until, types: consumer.types, limit: batchSize });
        if (events.length) await consumer.apply(tx, events);
        reached = events.length === batchSize ? events[events.length - 1].seq : until;
      }
      await tx.getConnection().execute(
        'update projection_positions set last_seq = ?, updated_at = now() where projection = ? and organization_id = ?',
        [reached, consumer.name, organizationId],
        'run',
        tx.getTransactionContext<Knex.Transaction>(),
      );
      return { reached, more: reached < until };
    });
    this.reached.set(this.key(consumer.name, organizationId), outcome.reached);
    return outcome.more;
  }
}
