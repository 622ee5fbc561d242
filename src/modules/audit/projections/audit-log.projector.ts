import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { EntityManager, type Knex } from '@mikro-orm/postgresql';
import type { Job } from 'bullmq';
import { EventCatchUp, type PositionedConsumer } from '../../../infrastructure/event-store/event-catch-up';
import type { EventJob } from '../../../infrastructure/event-store/event-consumers';
import type { StoredEvent } from '../../../infrastructure/event-store/event-hash';
import { MetricsService } from '../../../infrastructure/observability/metrics.service';
import { Clock } from '../../../shared/clock';
import { AUDIT_QUEUE } from '../audit.constants';
import { AUDIT_READ_MODELS, copyStatement, eraseUserRows, ERASURE_EVENT_TYPES } from './read-models';
import { closeWorker } from '../../../infrastructure/queue/close-worker';
import { RedisService } from '../../../infrastructure/queue/redis.service';

export const AUDIT_LOG_PROJECTION = 'audit_log';

/**
 * Projects events into audit_log from its own position in the store; a job only wakes it
 * for an organization. The rows commit with the position, and the event id is the key, so
 * a job delivered twice, a lost job or a worker killed mid-batch leaves each event once.
 */
@Processor(AUDIT_QUEUE, { concurrency: 8 })
export class AuditLogProjector
  extends WorkerHost
  implements PositionedConsumer, OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown
{
  readonly name = AUDIT_LOG_PROJECTION;
  readonly types = null;
  readonly queue = AUDIT_QUEUE;
  private readonly logger = new Logger(AuditLogProjector.name);

  constructor(
    private readonly redis: RedisService,
    private readonly catchUp: EventCatchUp,
    private readonly metrics: MetricsService,
    private readonly clock: Clock,
  ) {
    super();
  }

  onModuleInit(): void {
    this.catchUp.attach(this);
  }

  /**
   * A BullMQ worker closed while still connecting waits out its blocking call, so a
   * shutdown right after start would hang: start-up waits (briefly) until it is connected.
   */
  async onApplicationBootstrap(): Promise<void> {
    await Promise.race([this.worker.waitUntilReady(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]).catch(
      (error: Error) => this.logger.warn(`audit worker not ready yet: ${error.message}`),
    );
  }

  /** Drains: finishes the jobs in hand before the database connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    await closeWorker(this.worker, this.redis);
  }

  async process(job: Job<EventJob>): Promise<void> {
    await this.catchUp.wake(this, job.data.organizationId, job.data.seq);
  }

  async apply(tx: EntityManager, events: StoredEvent[]): Promise<void> {
    // every type is read, so a batch is a contiguous seq range of one organization; the events
    // in hand say which read models and erasures it concerns, so no statement searches it for nothing
    const types = new Set(events.map((event) => event.type));
    await this.applyRange(tx, events[0].organizationId, { afterSeq: events[0].seq - 1, untilSeq: events[events.length - 1].seq }, types);
  }

  /**
   * The batch straight from events into every read model, in one statement: no event passes
   * through here. `types` (when the caller knows the batch's types) skips the read models and
   * the erasure search the batch has nothing for.
   */
  async applyRange(tx: EntityManager, organizationId: string, range: { afterSeq: number; untilSeq: number }, types?: ReadonlySet<string>): Promise<void> {
    const connection = tx.getConnection();
    const trx = tx.getTransactionContext<Knex.Transaction>();
    const params = [organizationId, range.afterSeq, range.untilSeq];
    const holds = (wanted: readonly string[] | null) => !types || !wanted || wanted.some((type) => types.has(type));
    // a pass's round trips are most of its cost at tens of events a second: each copy is a data-modifying CTE, which PostgreSQL runs
    // once and to completion whether or not the query reads it; audit_log (every type, so always
    // among them) answers its rows for the metrics
    const models = AUDIT_READ_MODELS.filter((model) => holds(model.types));
    const copies = models.map((model, i) => {
      const returning = model.table === AUDIT_LOG_PROJECTION ? ' returning (extract(epoch from occurred_at) * 1000)::float8 as occurred_ms' : '';
      return `copy_${i} as (${copyStatement(model)} on conflict (${model.conflictKey}) do nothing${returning})`;
    });
    const projected = await connection.execute<{ occurred_ms: number }[]>(
      `with ${copies.join(', ')} select occurred_ms from copy_${models.findIndex((model) => model.table === AUDIT_LOG_PROJECTION)}`,
      models.flatMap(() => params),
      'all',
      trx,
    );
    // rows written before a user's erasure name them too: they become "removed user"
    const erased = !holds(ERASURE_EVENT_TYPES)
      ? []
      : await connection.execute<{ user_id: string }[]>(
          `select distinct subject->>'id' as user_id from events
            where organization_id = ? and seq > ? and seq <= ? and type in (${ERASURE_EVENT_TYPES.map(() => '?').join(', ')}) and subject->>'id' is not null`,
          [...params, ...ERASURE_EVENT_TYPES],
          'all',
          trx,
        );
    for (const { user_id: userId } of erased) await eraseUserRows(tx, organizationId, userId);
    const now = this.clock.now().getTime();
    this.metrics.eventsProjected.inc({ projection: AUDIT_LOG_PROJECTION }, projected.length);
    for (const row of projected) {
      this.metrics.projectionLag.observe({ projection: AUDIT_LOG_PROJECTION }, (now - row.occurred_ms) / 1000);
    }
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<EventJob> | undefined, error: Error): void {
    this.logger.warn(`catching up to event ${job?.data.seq ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${error.message}`);
  }
}
