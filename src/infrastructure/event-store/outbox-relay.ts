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
import { EventStore, type SealedEvent } from './event-store';
import { coalescingWindowMs, EVENTS_CHANNEL, OUTBOX_EARLY_START } from './relay-wake';

/**
 * Seals committed events and wakes their consumers. A command writes its events unchained
 * into `event_pending` (EventStore.append); each pass here first seals a batch of them (one
 * statement, its own transaction: `EventStore.seal` chains them per organization in commit
 * order into `events`, so a consumer that fails cannot hold the chain back), then this
 * process's consumers catch up in one shared pass per organization sealed (EventCatchUp),
 * and BullMQ hears only of what that did not cover: a queue no consumer here answers, or every
 * queue of an organization whose pass failed (its jobs retry with backoff). One job per queue
 * and organization, named after the last sealed event there it wants (job id = that event's
 * id, so a re-enqueue is a no-op). Each consumer reads the store from its own position, so a
 * relay that dies after a seal, or a Redis that is away, delays a consumer until the
 * catch-up's poll, and loses nothing; a seal that dies rolls back, and the next pass seals.
 * Woken by LISTEN/NOTIFY after a command's commit (RelayWake), with polling as the fallback
 * (it finds what a lost wake-up left pending); wake-ups that come within a window of a pass's
 * start join the next pass, and the window widens as the rate falls (`coalescingWindowMs`),
 * so passes carry several events each from tens of events a second up; notifications that
 * tell of enough commits start the pass sooner (OUTBOX_EARLY_START). Several workers:
 * their seals of one organization serialize on its stream head.
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
    private readonly store: EventStore,
  ) {
    super(EVENTS_CHANNEL, config, OUTBOX_EARLY_START);
  }

  protected override coalesceAfter(sinceMs: number, moved: number): number {
    return coalescingWindowMs(sinceMs, moved);
  }

  /** Seals one batch of pending events and wakes their consumers; returns how many it sealed. */
  async relayBatch(): Promise<number> {
    const sealed = await this.store.seal(this.em.fork(), this.config.values.outbox.batchSize);
    if (!sealed.length) return 0;
    const organizations = [...new Set(sealed.map((event) => event.organizationId))];
    const reached = await Promise.all(organizations.map((organizationId) => this.catchUp.published(organizationId)));
    const queues = this.consumers.list();
    const unwoken = new Map<string, string[]>();
    organizations.forEach((organizationId, i) => {
      const names = reached[i] ? queues.filter((name) => !this.catchUp.wakes(name)) : queues;
      if (names.length) unwoken.set(organizationId, names);
    });
    if (unwoken.size) {
      await this.enqueue(sealed.filter((event) => unwoken.has(event.organizationId)), unwoken).catch((error: Error) =>
        this.logger.warn(`waking other consumers failed (the poll will): ${error.message}`),
      );
    }
    return sealed.length;
  }

  /** One job per queue and organization in `queuesOf`, named after the last of `events` there that the queue wants. */
  private async enqueue(events: SealedEvent[], queuesOf: Map<string, string[]>): Promise<void> {
    // with Redis away, enqueueing would wait for it: check first
    if (!(await this.redis.ping(500))) throw new Error('Redis is unreachable');
    for (const name of new Set([...queuesOf.values()].flat())) {
      const last = new Map<string, SealedEvent>();
      for (const event of events) {
        if (!queuesOf.get(event.organizationId)?.includes(name) || !this.consumers.wants(name, event.type)) continue;
        const seen = last.get(event.organizationId);
        if (!seen || event.seq > seen.seq) last.set(event.organizationId, event);
      }
      const jobs = [...last.values()].map((event) => ({
        name: event.type,
        data: { eventId: event.id, organizationId: event.organizationId, type: event.type, seq: event.seq } satisfies EventJob,
        opts: { jobId: event.id },
      }));
      if (jobs.length) await enqueueWithin(this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }).addBulk(jobs));
    }
  }

  /** Events committed and not sealed yet (a metric). */
  async backlog(): Promise<number> {
    return this.store.pending(this.em.fork());
  }
}
