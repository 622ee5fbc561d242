import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { enqueueWithin, NotifiedRelay } from '../queue/notified-relay';
import { RedisService } from '../queue/redis.service';
import { EventCatchUp } from './event-catch-up';
import { EventConsumers, type EventJob } from './event-consumers';
import { EVENTS_CHANNEL } from './event-store';

interface OutboxRow {
  id: string;
  event_id: string;
  organization_id: string;
  type: string;
  seq: string;
}

/**
 * Wakes the consumers of committed events through BullMQ. A job is only a wake-up: each
 * consumer reads the store from its own position (EventCatchUp), so a job Redis loses
 * afterwards delays nothing beyond the next poll, and one job per consumer queue and
 * organization in a batch — named after the last event there it wants (job id = that
 * event's id, so a re-enqueue is a no-op) — wakes as much as one per event did, for a
 * fraction of Redis's work. Woken by LISTEN/NOTIFY, with polling as the fallback; rows are
 * claimed with SKIP LOCKED and deleted once Redis accepted the jobs. The consumers of this
 * process catch up (one shared pass) as soon as the rows are read, without waiting for a job.
 */
@Injectable()
export class OutboxRelay extends NotifiedRelay {
  protected readonly logger = new Logger(OutboxRelay.name);

  constructor(
    private readonly em: EntityManager,
    config: AppConfig,
    private readonly consumers: EventConsumers,
    private readonly moduleRef: ModuleRef,
    private readonly redis: RedisService,
    private readonly catchUp: EventCatchUp,
  ) {
    super(EVENTS_CHANNEL, config);
  }

  private queues(): { name: string; queue: Queue }[] {
    return this.consumers.list().map((name) => ({ name, queue: this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }) }));
  }

  /** Publishes one batch; returns how many events it published. */
  async relayBatch(): Promise<number> {
    const queues = this.queues();
    if (!queues.length) return 0;
    // with Redis away, enqueueing would wait for it: check first, and leave the rows for later
    if (!(await this.redis.ping(500))) throw new Error('Redis is unreachable');
    const em = this.em.fork();
    return em.transactional(async (tx) => {
      const connection = tx.getConnection();
      const rows = await connection.execute<OutboxRow[]>(
        `select o.id, o.event_id, o.organization_id, e.type, e.seq
           from event_outbox o join events e on e.id = o.event_id
          order by o.id limit ${this.config.values.outbox.batchSize}
          for update of o skip locked`,
        [],
        'all',
        tx.getTransactionContext(),
      );
      if (!rows.length) return 0;
      // these events are committed: this process's consumers need not wait for Redis
      const published = new Map<string, number>();
      for (const row of rows) published.set(row.organization_id, Math.max(published.get(row.organization_id) ?? 0, Number(row.seq)));
      for (const [organizationId, seq] of published) void this.catchUp.published(organizationId, seq);
      for (const { name, queue } of queues) {
        const last = new Map<string, OutboxRow>();
        for (const row of rows) {
          const seen = last.get(row.organization_id);
          if (this.consumers.wants(name, row.type) && (!seen || Number(row.seq) > Number(seen.seq))) last.set(row.organization_id, row);
        }
        const jobs = [...last.values()].map((row) => ({
          name: row.type,
          data: { eventId: row.event_id, organizationId: row.organization_id, type: row.type, seq: Number(row.seq) } satisfies EventJob,
          opts: { jobId: row.event_id },
        }));
        if (jobs.length) await enqueueWithin(queue.addBulk(jobs));
      }
      await connection.execute(
        `delete from event_outbox where id in (${rows.map(() => '?').join(', ')})`,
        rows.map((row) => row.id),
        'run',
        tx.getTransactionContext(),
      );
      return rows.length;
    });
  }

  /** Events committed but not yet handed to Redis (a metric). */
  async backlog(): Promise<number> {
    const [row] = await this.em
      .fork()
      .getConnection()
      .execute<{ count: string }[]>('select count(*) as count from event_outbox', [], 'all');
    return Number(row.count);
  }
}
