import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { EntityManager, type Knex } from '@mikro-orm/postgresql';
import type { Queue } from 'bullmq';
import { Client } from 'pg';
import { Clock } from '../../shared/clock';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../queue/redis.service';
import { MAIL_CHANNEL, MAIL_QUEUE, type MailJob } from './mail.constants';

const ENQUEUE_TIMEOUT_MS = 5000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`enqueue timed out after ${ms} ms`)), ms).unref()),
  ]);
}

/**
 * Hands committed mails to the `mail` queue: one job per mail, job id = mail id, with the
 * configured attempts and exponential backoff. Woken by LISTEN/NOTIFY, with polling as the
 * fallback; runs where workers run. A row stays `pending` until the worker settles it; it is
 * marked queued once Redis accepted its job, and queued again after `mail.requeueAfterMs`
 * should Redis have lost it (the job id makes a repeat a no-op, and the worker skips a row
 * that is no longer pending).
 */
@Injectable()
export class MailRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MailRelay.name);
  private listener: Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly clock: Clock,
    @InjectQueue(MAIL_QUEUE) private readonly queue: Queue<MailJob>,
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

  /** Runs a relay pass now, or right after the current one. */
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
      this.logger.warn(`mail listener lost its connection (${error.message}); polling until it is back`);
      this.listener = null;
      setTimeout(() => void this.listen(), 2000).unref();
    });
    try {
      await client.connect();
      await client.query(`listen ${MAIL_CHANNEL}`);
      this.listener = client;
      if (this.stopped) await client.end();
    } catch (error) {
      this.logger.warn(`mail listener could not connect (${(error as Error).message}); polling meanwhile`);
      await client.end().catch(() => undefined);
      setTimeout(() => void this.listen(), 2000).unref();
    }
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stopped && (await this.relayBatch()) === this.config.values.outbox.batchSize) {
        // a full batch: there may be more
      }
    } catch (error) {
      this.logger.warn(`mail relay paused: ${(error as Error).message}`);
    }
  }

  /** Enqueues one batch of mails not yet (or too long ago) queued; returns how many. */
  async relayBatch(): Promise<number> {
    // with Redis away, enqueueing would wait for it: check first, and leave the rows for later
    if (!(await this.redis.ping(500))) throw new Error('Redis is unreachable');
    const { attempts, backoffMs, requeueAfterMs } = this.config.values.mail;
    const now = this.clock.now();
    const em = this.em.fork();
    return em.transactional(async (tx) => {
      const connection = tx.getConnection();
      const trx = tx.getTransactionContext<Knex.Transaction>();
      const rows = await connection.execute<{ id: string; template: string }[]>(
        `select id, template from mail_outbox
          where status = 'pending' and (queued_at is null or queued_at < ?)
          order by created_at limit ${this.config.values.outbox.batchSize}
          for update skip locked`,
        [new Date(now.getTime() - requeueAfterMs)],
        'all',
        trx,
      );
      if (!rows.length) return 0;
      await withTimeout(
        this.queue.addBulk(
          rows.map((row) => ({
            name: row.template,
            data: { mailId: row.id },
            opts: { jobId: row.id, attempts, backoff: { type: 'exponential', delay: backoffMs } },
          })),
        ),
        ENQUEUE_TIMEOUT_MS,
      );
      await connection.execute(
        `update mail_outbox set queued_at = ? where id in (${rows.map(() => '?').join(', ')})`,
        [now, ...rows.map((row) => row.id)],
        'run',
        trx,
      );
      return rows.length;
    });
  }
}
