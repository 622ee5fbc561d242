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
 * Wakes the consumers of committed events. A wake-up is all they need: each consumer reads
 * the store from its own position (EventCatchUp). Woken by LISTEN/NOTIFY, with polling as the
 * fallback, the relay claims a batch of outbox rows with SKIP LOCKED and deletes them in one
 * statement, then has this process's consumers catch up at once; only where they did not get
 * there (a failed pass) does it enqueue BullMQ jobs to wake the other instances' — one per
 * consumer queue and organization, named after the last event there it wants (job id = that
 * event's id, so a re-enqueue is a no-op). A job lost (Redis failing after the ping, or
 * losing its jobs) delays nothing beyond the next poll. With Redis unreachable the rows stay.
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
    // one statement claims and removes a batch (SKIP LOCKED: relays on other instances take
    // others). Removed before Redis has the jobs: a job is only a wake-up, so one lost here (Redis
    // failing between the ping and the add) costs what a job Redis loses later costs — the
    // other instances' consumers wait for their poll; this process's are woken below anyway
    const rows = await this.em
      .fork()
      .getConnection()
      .execute<OutboxRow[]>(
        `with claimed as (select id from event_outbox order by id limit ${this.config.values.outbox.batchSize} for update skip locked)
         delete from event_outbox o using claimed c, events e
          where o.id = c.id and e.id = o.event_id
          returning o.id, o.event_id, o.organization_id, e.type, e.seq`,
        [],
        'all',
      );
    if (!rows.length) return 0;
    // these events are committed: this process's consumers catch up now, without Redis, and a
    // job wakes the other instances only where they did not get there (a job would find the
    // positions at the head: the other instances' consumers are the same positions)
    const published = new Map<string, number>();
    for (const row of rows) published.set(row.organization_id, Math.max(published.get(row.organization_id) ?? 0, Number(row.seq)));
    const done = new Set<string>();
    await Promise.all(
      [...published].map(async ([organizationId, seq]) => {
        if (await this.catchUp.published(organizationId, seq)) done.add(organizationId);
      }),
    );
    for (const { name, queue } of queues) {
      const last = new Map<string, OutboxRow>();
      for (const row of rows) {
        if (done.has(row.organization_id)) continue;
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
    return rows.length;
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
