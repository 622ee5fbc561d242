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
import { coalescingWindowMs, EVENTS_CHANNEL } from './relay-wake';

interface OutboxRow {
  event_id: string;
  organization_id: string;
}

interface EventRow {
  id: string;
  organization_id: string;
  type: string;
  seq: string;
}

/**
 * Wakes the consumers of committed events. An outbox row is only a wake-up: each consumer
 * reads the store from its own position (EventCatchUp), and the poll finds any organization
 * whose consumers are behind. So a batch of rows is claimed and removed in one statement
 * (SKIP LOCKED: one relay takes them), this process's consumers catch up in one shared pass,
 * and BullMQ hears only of what that did not cover: a queue no consumer here answers, or every
 * queue of an organization whose pass failed (its jobs retry with backoff). One job per queue
 * and organization, named after the last event there it wants (job id = that event's id, so
 * a re-enqueue is a no-op). A relay that dies after the removal, or a Redis that is away,
 * delays a consumer until the next poll, and loses nothing. Woken by LISTEN/NOTIFY, with
 * polling as the fallback; wake-ups that come within a window of a pass's start join the
 * next pass, and the window widens as the rate falls (`coalescingWindowMs`), so passes carry
 * several events each from tens of events a second up.
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

  protected override coalesceAfter(sinceMs: number, moved: number): number {
    return coalescingWindowMs(sinceMs, moved);
  }

  /** Takes one batch of wake-ups and acts on them; returns how many rows it took. */
  async relayBatch(): Promise<number> {
    const connection = this.em.fork().getConnection();
    const rows = await connection.execute<OutboxRow[]>(
      // = any(array(…)): the claimed ids are looked up by the key; with `in (subquery)` the planner
      // may hash-join a sequential scan of the table, which after a burst is full of dead rows
      `delete from event_outbox where id = any(array(
         select id from event_outbox order by id limit ${this.config.values.outbox.batchSize} for update skip locked))
       returning event_id, organization_id`,
      [],
      'all',
    );
    if (!rows.length) return 0;
    const organizations = [...new Set(rows.map((row) => row.organization_id))];
    const reached = await Promise.all(organizations.map((organizationId) => this.catchUp.published(organizationId)));
    const queues = this.consumers.list();
    const unwoken = new Map<string, string[]>();
    organizations.forEach((organizationId, i) => {
      const names = reached[i] ? queues.filter((name) => !this.catchUp.wakes(name)) : queues;
      if (names.length) unwoken.set(organizationId, names);
    });
    if (unwoken.size) {
      await this.enqueue(rows.filter((row) => unwoken.has(row.organization_id)).map((row) => row.event_id), unwoken).catch((error: Error) =>
        this.logger.warn(`waking other consumers failed (the poll will): ${error.message}`),
      );
    }
    return rows.length;
  }

  /** One job per queue and organization in `queuesOf`, named after the last of `eventIds` there that the queue wants. */
  private async enqueue(eventIds: string[], queuesOf: Map<string, string[]>): Promise<void> {
    // with Redis away, enqueueing would wait for it: check first
    if (!(await this.redis.ping(500))) throw new Error('Redis is unreachable');
    const events = await this.em
      .fork()
      .getConnection()
      .execute<EventRow[]>(
        `select id, organization_id, type, seq from events where organization_id in (select jsonb_array_elements_text(?::jsonb)::uuid) and id = any(?::uuid[])`,
        [JSON.stringify([...queuesOf.keys()]), `{${eventIds.join(',')}}`],
        'all',
      );
    for (const name of new Set([...queuesOf.values()].flat())) {
      const last = new Map<string, EventRow>();
      for (const event of events) {
        if (!queuesOf.get(event.organization_id)?.includes(name) || !this.consumers.wants(name, event.type)) continue;
        const seen = last.get(event.organization_id);
        if (!seen || Number(event.seq) > Number(seen.seq)) last.set(event.organization_id, event);
      }
      const jobs = [...last.values()].map((event) => ({
        name: event.type,
        data: { eventId: event.id, organizationId: event.organization_id, type: event.type, seq: Number(event.seq) } satisfies EventJob,
        opts: { jobId: event.id },
      }));
      if (jobs.length) await enqueueWithin(this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }).addBulk(jobs));
    }
  }

  /** Events committed whose wake-up no relay has taken yet (a metric). */
  async backlog(): Promise<number> {
    const [row] = await this.em
      .fork()
      .getConnection()
      .execute<{ count: string }[]>('select count(*) as count from event_outbox', [], 'all');
    return Number(row.count);
  }
}

