import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager, type Knex } from '@mikro-orm/postgresql';
import { UnrecoverableError, type Job } from 'bullmq';
import { systemActor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { AppConfig } from '../config/app-config';
import type { DomainEvent } from '../../shared/domain-event';
import type { MailOutcomeEventType } from './mail-outcome.events';
import { UnitOfWork } from '../event-store/unit-of-work';
import { deliveryFailureReason, redactedMessage } from './delivery-failure';
import { MAIL_QUEUE, type MailJob } from './mail.constants';
import { MailTemplates, type MailData, type RenderedMail } from './mail-templates';
import { Mailer } from './mailer';
import { closeWorker } from '../queue/close-worker';
import { RedisService } from '../queue/redis.service';

interface MailRow {
  id: string;
  organization_id: string;
  template: string;
  recipient: string | null;
  data: MailData;
  status: 'pending' | 'sent' | 'dead';
  event_subject: DomainEvent['subject'];
  sent_event: MailOutcomeEventType;
  failed_event: MailOutcomeEventType;
}

type SettlementPayload = { mailId: string; template: string; attempts: number; reason?: string };

interface Settlement {
  mail: MailRow;
  status: 'sent' | 'dead';
  payload: SettlementPayload;
  lastError: string | null;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** At most this many mails settle in one transaction. */
const MAX_SETTLEMENTS = 100;

/** At most this many rows are claimed in one statement (the worker holds 32 jobs: a few statements' worth). */
const MAX_CLAIMS = 64;

type ClaimedRow = MailRow & { recipient: string };

interface Claim {
  id: string;
  resolve: (row: ClaimedRow | null) => void;
  reject: (error: unknown) => void;
}

/** Thrown in place of the mailer's error: its message (kept in Redis) holds no address. */
class MailDeliveryError extends Error {
  override readonly name = 'MailDeliveryError';
}

/**
 * Delivers one outbox mail per job: renders it, sends it, then records the outcome event
 * and settles the row in one transaction. A failure is retried by BullMQ with exponential
 * backoff; after the last attempt the row is `dead` (the job stays in the failed set) and
 * the `failed` event is recorded. A settled row's address and data are cleared. A job for
 * a row that is no longer pending does nothing, so a repeated job sends nothing twice.
 */
// a mail's time is mostly waiting (Redis, the SMTP server's answers, its settlement's commit):
// 32 in hand keep a core busy and let settlements commit together; the SMTP pool still
// bounds the connections a relay sees
@Processor(MAIL_QUEUE, { concurrency: 32 })
export class MailWorker extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MailWorker.name);
  private readonly settlements: Settlement[] = [];
  private settling: Promise<void> | null = null;
  private readonly claims: Claim[] = [];
  private claiming: Promise<void> | null = null;

  constructor(
    private readonly redis: RedisService,
    private readonly em: EntityManager,
    private readonly unitOfWork: UnitOfWork,
    private readonly templates: MailTemplates,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    super();
  }

  /** See AuditLogProjector: a worker closed while still connecting would hang shutdown. */
  async onApplicationBootstrap(): Promise<void> {
    await Promise.race([this.worker.waitUntilReady(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]).catch(
      (error: Error) => this.logger.warn(`mail worker not ready yet: ${error.message}`),
    );
  }

  /** Drains: finishes the mails in hand, then closes the mailer, before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await closeWorker(this.worker, this.redis);
    await this.mailer.close();
  }

  async process(job: Job<MailJob>): Promise<void> {
    // nothing to do when the row is settled or cancelled, or another sender holds it (a job
    // queued again while the first was still sending)
    const mail = await this.claim(job.data.mailId);
    if (!mail) return;
    try {
      await this.deliver(job, mail);
    } catch (error) {
      await this.release(mail.id);
      throw error;
    }
  }

  private async deliver(job: Job<MailJob>, mail: MailRow & { recipient: string }): Promise<void> {
    const attempt = job.attemptsMade + 1;
    const lastAttempt = attempt >= (job.opts.attempts ?? 1);

    let rendered: RenderedMail;
    try {
      rendered = this.templates.render(mail.template, mail.data);
    } catch (error) {
      // retrying would render the same data the same way: dead at once
      const reason = error instanceof Error && error.name !== 'Error' ? error.name : 'TemplateError';
      await this.bury(mail, attempt, reason, redactedMessage(error));
      throw new UnrecoverableError(`mail ${mail.id} cannot be rendered: ${reason}`);
    }

    try {
      await this.mailer.send({ id: mail.id, to: mail.recipient, ...rendered });
    } catch (error) {
      const reason = deliveryFailureReason(error);
      const detail = redactedMessage(error);
      if (lastAttempt) await this.bury(mail, attempt, reason, detail);
      else await this.noteFailure(mail.id, attempt, reason, detail);
      throw new MailDeliveryError(`mail ${mail.id} (${mail.template}) not delivered, attempt ${attempt}: ${reason}`);
    }

    // sent: should this commit fail, the retry sends again (at least once, never lost)
    await this.settle(mail, 'sent', { mailId: mail.id, template: mail.template, attempts: attempt }, null);
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<MailJob> | undefined, error: Error): void {
    this.logger.warn(`${error.message}${job && job.attemptsMade >= (job.opts.attempts ?? 1) ? ' (gave up)' : ''}`);
  }

  /**
   * Takes a lease on a pending row while it is being sent, and reads it; the lease lapses by
   * itself should the sender die. Answers null when the row is not pending, has no address,
   * or is leased to another sender. Claims asked for while one statement runs go together in
   * the next (one UPDATE for up to MAX_CLAIMS rows): a statement a mail was the worker's
   * largest share of PostgreSQL round trips.
   */
  private claim(id: string): Promise<ClaimedRow | null> {
    return new Promise((resolve, reject) => {
      this.claims.push({ id, resolve, reject });
      this.claiming ??= this.drainClaims();
    });
  }

  private async drainClaims(): Promise<void> {
    try {
      // the jobs taken in this turn of the event loop join the first statement
      await new Promise((resolve) => setImmediate(resolve));
      while (this.claims.length) await this.claimTogether(this.claims.splice(0, MAX_CLAIMS));
    } finally {
      this.claiming = null;
    }
  }

  private async claimTogether(batch: Claim[]): Promise<void> {
    const now = this.clock.now();
    const ids = [...new Set(batch.map((claim) => claim.id))];
    let rows: ClaimedRow[];
    try {
      rows = await this.em
        .fork()
        .getConnection()
        .execute<ClaimedRow[]>(
          `update mail_outbox set claimed_until = ?
            where id in (${ids.map(() => '?').join(', ')}) and status = 'pending' and recipient is not null and (claimed_until is null or claimed_until < ?)
            returning id, organization_id, template, recipient, data, status, event_subject, sent_event, failed_event`,
          [new Date(now.getTime() + this.config.values.mail.leaseMs), ...ids, now],
          'all',
        );
    } catch (error) {
      for (const claim of batch) claim.reject(error);
      return;
    }
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const claim of batch) {
      // two jobs of one mail in the same statement: the lease is the first one's, the other finds it taken
      const row = byId.get(claim.id) ?? null;
      byId.delete(claim.id);
      claim.resolve(row);
    }
  }

  private async release(id: string): Promise<void> {
    await this.em.fork().getConnection().execute(`update mail_outbox set claimed_until = null where id = ?`, [id], 'run');
  }

  private async noteFailure(id: string, attempt: number, reason: string, detail: string): Promise<void> {
    await this.em
      .fork()
      .getConnection()
      .execute(
        `update mail_outbox set attempts = ?, last_error = ? where id = ? and status = 'pending'`,
        [attempt, `${reason}: ${detail}`, id],
        'run',
      );
  }

  private async bury(mail: MailRow, attempt: number, reason: string, detail: string): Promise<void> {
    await this.settle(mail, 'dead', { mailId: mail.id, template: mail.template, attempts: attempt, reason }, `${reason}: ${detail}`);
  }

  /**
   * Settles a pending row as sent or dead, clearing its address and data, and records the
   * outcome event in the same transaction. Only the first to settle a row records anything.
   * Settlements that come while one commits wait for it and then commit together, one
   * transaction an organization: a mail alone was a transaction of five statements, and its
   * event one pass of every consumer of the store.
   */
  private settle(mail: MailRow, status: 'sent' | 'dead', payload: SettlementPayload, lastError: string | null): Promise<void> {
    return new Promise((resolve, reject) => {
      this.settlements.push({ mail, status, payload, lastError, resolve, reject });
      this.settling ??= this.drainSettlements();
    });
  }

  private async drainSettlements(): Promise<void> {
    try {
      // the mails answered in this turn of the event loop join the first transaction
      await new Promise((resolve) => setImmediate(resolve));
      while (this.settlements.length) {
        const batch = this.settlements.splice(0, MAX_SETTLEMENTS);
        const byOrganization = new Map<string, Settlement[]>();
        for (const settlement of batch) {
          const group = byOrganization.get(settlement.mail.organization_id) ?? [];
          group.push(settlement);
          byOrganization.set(settlement.mail.organization_id, group);
        }
        await Promise.all([...byOrganization.values()].map((group) => this.settleGroup(group)));
      }
    } finally {
      this.settling = null;
    }
  }

  /** One transaction for the group; should it fail, each settles alone, so one bad row fails only its own job. */
  private async settleGroup(group: Settlement[]): Promise<void> {
    try {
      await this.settleTogether(group);
      for (const settlement of group) settlement.resolve();
    } catch (error) {
      if (group.length === 1) return group[0].reject(error);
      for (const settlement of group) {
        await this.settleTogether([settlement]).then(settlement.resolve, settlement.reject);
      }
    }
  }

  private async settleTogether(group: Settlement[]): Promise<void> {
    const organizationId = group[0].mail.organization_id;
    const now = this.clock.now();
    await this.unitOfWork.run({ actor: systemActor(), organizationId }, async (ctx) => {
      const settled = await ctx.em.getConnection().execute<{ id: string }[]>(
        `update mail_outbox m
            set status = v.status, attempts = v.attempts::int, last_error = v.last_error::text, recipient = null, data = '{}'::jsonb,
                sent_at = case when v.status = 'sent' then v.at::timestamptz else m.sent_at end,
                dead_at = case when v.status = 'dead' then v.at::timestamptz else m.dead_at end
           from (values ${group.map(() => '(?, ?, ?, ?, ?)').join(', ')}) as v(id, status, attempts, last_error, at)
          where m.id = v.id::uuid and m.status = 'pending'
          returning m.id`,
        group.flatMap(({ mail, status, payload, lastError }) => [mail.id, status, payload.attempts, lastError, now]),
        'all',
        ctx.em.getTransactionContext<Knex.Transaction>(),
      );
      const ids = new Set(settled.map((row) => row.id));
      for (const { mail, status, payload } of group) {
        if (!ids.has(mail.id)) continue;
        ctx.record({
          type: status === 'sent' ? mail.sent_event : mail.failed_event,
          organizationId: mail.organization_id,
          subject: mail.event_subject,
          payload,
        });
      }
    });
  }
}
