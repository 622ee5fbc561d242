import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { EntityManager, type Knex } from '@mikro-orm/postgresql';
import type { Queue } from 'bullmq';
import { Clock } from '../../shared/clock';
import { AppConfig } from '../config/app-config';
import { enqueueWithin, NotifiedRelay } from '../queue/notified-relay';
import { RedisService } from '../queue/redis.service';
import { MAIL_CHANNEL, MAIL_QUEUE, type MailJob } from './mail.constants';

/**
 * Hands committed mails to the `mail` queue: one job per mail, job id = mail id, with the
 * configured attempts and exponential backoff. Woken by LISTEN/NOTIFY, with polling as the
 * fallback; runs where workers run. A row stays `pending` until the worker settles it, so
 * the table, not Redis, says what is still to send: a pending row queued more than
 * `mail.requeueAfterMs` ago whose job Redis no longer holds alive (lost with a restart, or
 * finished without settling the row) is queued again. The worker's lease on a row keeps a
 * mail from being sent twice at once.
 */
@Injectable()
export class MailRelay extends NotifiedRelay {
  protected readonly logger = new Logger(MailRelay.name);

  constructor(
    private readonly em: EntityManager,
    config: AppConfig,
    private readonly redis: RedisService,
    private readonly clock: Clock,
    @InjectQueue(MAIL_QUEUE) private readonly queue: Queue<MailJob>,
  ) {
    super(MAIL_CHANNEL, config);
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
      const rows = await connection.execute<{ id: string; template: string; queued_at: Date | null }[]>(
        `select id, template, queued_at from mail_outbox
          where status = 'pending' and (queued_at is null or queued_at < ?) and (claimed_until is null or claimed_until < ?)
          order by created_at limit ${this.config.values.outbox.batchSize}
          for update skip locked`,
        [new Date(now.getTime() - requeueAfterMs), now],
        'all',
        trx,
      );
      if (!rows.length) return 0;
      const lost = await this.withoutLiveJob(rows.filter((row) => row.queued_at !== null).map((row) => row.id));
      const toQueue = rows.filter((row) => row.queued_at === null || lost.has(row.id));
      if (lost.size) this.logger.warn(`${lost.size} pending mail(s) had no live job in Redis: queued again`);
      // a finished or failed job of the same id would make the new one a no-op
      await enqueueWithin(Promise.all([...lost].map((id) => this.queue.remove(id))));
      if (toQueue.length) await enqueueWithin(
        this.queue.addBulk(
          toQueue.map((row) => ({
            name: row.template,
            data: { mailId: row.id },
            opts: { jobId: row.id, attempts, backoff: { type: 'exponential', delay: backoffMs } },
          })),
        ),
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

  /** The mails among `ids` whose job is gone from Redis or ended without settling the row. */
  private async withoutLiveJob(ids: string[]): Promise<Set<string>> {
    const states = await enqueueWithin(Promise.all(ids.map((id) => this.queue.getJobState(id))));
    return new Set(ids.filter((_, index) => ['unknown', 'completed', 'failed'].includes(states[index])));
  }
}
