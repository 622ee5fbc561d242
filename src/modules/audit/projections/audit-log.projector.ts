import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Job } from 'bullmq';
import { EventStore } from '../../../infrastructure/event-store/event-store';
import type { EventJob } from '../../../infrastructure/event-store/event-consumers';
import { MetricsService } from '../../../infrastructure/observability/metrics.service';
import { Clock } from '../../../shared/clock';
import { AUDIT_QUEUE } from '../audit.constants';

/**
 * Projects each event into audit_log. Idempotent (the event id is the key), so a job
 * delivered twice, or an event enqueued twice, leaves one row.
 */
@Processor(AUDIT_QUEUE, { concurrency: 16 })
export class AuditLogProjector extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditLogProjector.name);

  constructor(
    private readonly em: EntityManager,
    private readonly store: EventStore,
    private readonly metrics: MetricsService,
    private readonly clock: Clock,
  ) {
    super();
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
    await this.worker.close();
  }

  async process(job: Job<EventJob>): Promise<void> {
    const em = this.em.fork();
    const event = await this.store.findById(em, job.data.eventId);
    if (!event) return; // a job for an event that was never committed
    await em.getConnection().execute(
      `insert into audit_log (event_id, organization_id, seq, type, actor_type, actor_id, actor_ip, subject_type, subject_id, payload, occurred_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?) on conflict (event_id) do nothing`,
      [
        event.id,
        event.organizationId,
        event.seq,
        event.type,
        event.actor.type,
        event.actor.id,
        event.actor.ip,
        event.subject.type,
        event.subject.id,
        JSON.stringify(event.payload),
        event.occurredAt,
      ],
      'run',
    );
    this.metrics.eventsProjected.inc({ projection: 'audit_log' });
    this.metrics.projectionLag.observe(
      { projection: 'audit_log' },
      (this.clock.now().getTime() - Date.parse(event.occurredAt)) / 1000,
    );
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<EventJob> | undefined, error: Error): void {
    this.logger.warn(`projecting event ${job?.data.eventId ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${error.message}`);
  }
}
