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
  apply(tx: EntityManager, events: StoredEvent[]): Promise<void>;
  /**
   * Instead of `apply`, for a consumer of every type that needs no event in memory: applies
   * the seqs after `afterSeq` up to `untilSeq` (gap-free, so exactly the batch) in SQL.
   */
  applyRange?(tx: EntityManager, organizationId: string, range: { afterSeq: number; untilSeq: number }): Promise<void>;
  /**
   * Woken in this process as soon as the outbox relay here has published its events, rather
   * than when the BullMQ job comes back (the job still wakes the other instances).
   */
  readonly eager?: boolean;
}

/**
 * Moves every attached consumer forward from its position in the store. Redis only wakes
 * it (a job names an organization and a seq to reach); a poll finds whatever a lost job
 * would have named, so nothing depends on Redis keeping its jobs. One pass per consumer
 * and organization at a time in this process; across processes the position row's lock
 * serializes them.
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

  /** Brings `consumer` to at least `seq` in the organization (a job's wake-up). */
  async wake(consumer: PositionedConsumer, organizationId: string, seq: number): Promise<void> {
    if ((this.reached.get(this.key(consumer, organizationId)) ?? 0) >= seq) return;
    await this.schedule(consumer, organizationId);
  }

  /** The outbox relay published up to `seq` in the organization: wakes the eager consumers here. */
  published(organizationId: string, seq: number): void {
    if (this.stopped) return;
    for (const consumer of this.consumers.values()) {
      if (!consumer.eager) continue;
      this.wake(consumer, organizationId, seq).catch((error: Error) =>
        this.logger.warn(`${consumer.name} catching up in ${organizationId} failed: ${error.message}`),
      );
    }
  }

  /** One poll: every organization whose stream is ahead of a consumer's position. */
  async sweep(): Promise<void> {
    for (const consumer of this.consumers.values()) {
      if (this.stopped) return;
      const lagging = await this.em
        .fork()
        .getConnection()
        .execute<{ organization_id: string }[]>(
          `select s.organization_id from event_streams s
             left join projection_positions p on p.projection = ? and p.organization_id = s.organization_id
            where s.last_seq > coalesce(p.last_seq, 0)`,
          [consumer.name],
          'all',
        );
      await Promise.all(lagging.map((row) => this.schedule(consumer, row.organization_id)));
    }
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

  private key(consumer: PositionedConsumer, organizationId: string): string {
    return `${consumer.name}/${organizationId}`;
  }

  /** Joins the pass running for this consumer and organization, which then runs once more. */
  private schedule(consumer: PositionedConsumer, organizationId: string): Promise<void> {
    const key = this.key(consumer, organizationId);
    const running = this.inflight.get(key);
    if (running) {
      this.rerun.add(key);
      return running;
    }
    const pass = (async () => {
      do {
        this.rerun.delete(key);
        await this.drain(consumer, organizationId);
      } while (this.rerun.has(key) && !this.stopped);
    })().finally(() => this.inflight.delete(key));
    this.inflight.set(key, pass);
    return pass;
  }

  private async drain(consumer: PositionedConsumer, organizationId: string): Promise<void> {
    while (!this.stopped && (await this.step(consumer, organizationId))) {
      // a full batch: read on
    }
  }

  /** Applies one batch and advances the position with it; answers whether more is waiting. */
  private async step(consumer: PositionedConsumer, organizationId: string): Promise<boolean> {
    const batchSize = this.config.values.outbox.batchSize;
    const outcome = await this.em.fork().transactional(async (tx) => {
      const connection = tx.getConnection();
      const trx = tx.getTransactionContext<Knex.Transaction>();
      // the position locked and the stream's head in one round trip; the head comes from this
      // statement's snapshot, so every event up to it is committed and visible to the reads after
      const lock = () =>
        connection.execute<{ last_seq: string; head: string | null }[]>(
          `select p.last_seq, (select s.last_seq from event_streams s where s.organization_id = p.organization_id) as head
             from projection_positions p where p.projection = ? and p.organization_id = ? for update of p`,
          [consumer.name, organizationId],
          'all',
          trx,
        );
      let [position] = await lock();
      if (!position) {
        await connection.execute(
          'insert into projection_positions (projection, organization_id, last_seq) values (?, ?, 0) on conflict do nothing',
          [consumer.name, organizationId],
          'run',
          trx,
        );
        [position] = await lock();
      }
      const from = Number(position.last_seq);
      const until = Number(position.head ?? 0);
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
      await connection.execute(
        'update projection_positions set last_seq = ?, updated_at = now() where projection = ? and organization_id = ?',
        [reached, consumer.name, organizationId],
        'run',
        trx,
      );
      return { reached, more: reached < until };
    });
    // remembered only once committed: a rolled-back pass has reached nothing
    this.reached.set(this.key(consumer, organizationId), outcome.reached);
    return outcome.more;
  }
}
