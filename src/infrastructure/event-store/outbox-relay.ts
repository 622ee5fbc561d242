import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../queue/redis.service';
import { EventConsumers, type EventJob } from './event-consumers';
import { EVENTS_CHANNEL } from './event-store';

interface OutboxRow {
  id: string;
  event_id: string;
  organization_id: string;
  type: string;
  seq: string;
}

const ENQUEUE_TIMEOUT_MS = 5000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`enqueue timed out after ${ms} ms`)), ms).unref()),
  ]);
}

/**
 * Publishes committed events to BullMQ: one job per event and consumer queue, job id =
 * event id, in outbox order. Woken by LISTEN/NOTIFY, with polling as the fallback. Rows are
 * claimed with SKIP LOCKED and deleted only after Redis accepted the jobs, so Redis being
 * down delays projection and loses nothing; a repeat enqueue is a no-op or an idempotent
 * re-projection.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private listener: Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
    private readonly consumers: EventConsumers,
    private readonly moduleRef: ModuleRef,
    private readonly redis: RedisService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.values.appRole === 'api') return;
    this.timer = setInterval(() => this.wake(), this.config.values.outbox.pollIntervalMs);
    void this.listen();
    this.wake();
  }

  /** Stops before the ORM and Redis connections close (they close in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.listener?.end().catch(() => undefined);
    await this.running;
  }

  /** Runs a publishing pass now, or right after the current one. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.config.values.databaseUrl });
    client.on('notification', () => this.wake());
    client.on('error', (error) => {
      this.logger.warn(`outbox listener lost its connection (${error.message}); polling until it is back`);
      this.listener = null;
      setTimeout(() => void this.listen(), 2000).unref();
    });
    try {
      await client.connect();
      await client.query(`listen ${EVENTS_CHANNEL}`);
      this.listener = client;
      if (this.stopped) await client.end();
    } catch (error) {
      this.logger.warn(`outbox listener could not connect (${(error as Error).message}); polling meanwhile`);
      await client.end().catch(() => undefined);
      setTimeout(() => void this.listen(), 2000).unref();
    }
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stopped && (await this.publishBatch()) === this.config.values.outbox.batchSize) {
        // a full batch: there may be more
      }
    } catch (error) {
      this.logger.warn(`outbox relay paused: ${(error as Error).message}`);
    }
  }

  private queues(): { name: string; queue: Queue }[] {
    return this.consumers.list().map((name) => ({ name, queue: this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }) }));
  }

  /** Publishes one batch; returns how many events it published. */
  async publishBatch(): Promise<number> {
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
      const jobs = rows.map((row) => ({
        name: row.type,
        data: { eventId: row.event_id, organizationId: row.organization_id, type: row.type, seq: Number(row.seq) } satisfies EventJob,
        opts: { jobId: row.event_id },
      }));
      for (const { name, queue } of queues) {
        const wanted = jobs.filter((job) => this.consumers.wants(name, job.name));
        if (wanted.length) await withTimeout(queue.addBulk(wanted), ENQUEUE_TIMEOUT_MS);
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
