import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import { EventCatchUp, type PositionedConsumer } from '../../../infrastructure/event-store/event-catch-up';
import type { EventJob } from '../../../infrastructure/event-store/event-consumers';
import type { StoredEvent } from '../../../infrastructure/event-store/event-hash';
import { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import { Revocations } from '../../../infrastructure/security/revocations';
import { systemActor } from '../../../shared/actor';
import { Clock } from '../../../shared/clock';
import { isEvent, type EventType } from '../../../shared/event-catalogue';
import { ApiKey } from '../domain/api-key.entity';
import { AuthChallenge } from '../domain/auth-challenge.entity';
import { PasswordHistoryEntry } from '../domain/password-history.entity';
import { RecoveryCode } from '../domain/recovery-code.entity';
import { Session } from '../domain/session.entity';
import { UserMfa } from '../domain/user-mfa.entity';
import { closeWorker } from '../../../infrastructure/queue/close-worker';
import { RedisService } from '../../../infrastructure/queue/redis.service';

export const AUTH_EVENTS_QUEUE = 'auth-events';
export const AUTH_REACTS_TO = ['user.removed', 'user.deactivated'] as const satisfies readonly EventType[];

/**
 * Sign-in's reactions to the users module's events. A deactivated user's sessions end (so
 * a later reactivation does not bring old refresh tokens back). When a user is removed,
 * what sign-in kept about them goes too: sessions end and lose their IP and device, keys
 * are revoked, the second factor and old password hashes are deleted. Idempotent: a second
 * delivery finds nothing left to do. It reads the store from its own position (a job only
 * wakes it), so a job Redis lost is still acted on.
 */
@Processor(AUTH_EVENTS_QUEUE, { concurrency: 4 })
export class UserEventsProcessor extends WorkerHost implements PositionedConsumer, OnModuleInit, BeforeApplicationShutdown {
  readonly name = AUTH_EVENTS_QUEUE;
  readonly types = AUTH_REACTS_TO;
  readonly queue = AUTH_EVENTS_QUEUE;
  private readonly logger = new Logger(UserEventsProcessor.name);

  constructor(
    private readonly redis: RedisService,
    private readonly uow: UnitOfWork,
    private readonly catchUp: EventCatchUp,
    private readonly revocations: Revocations,
    private readonly clock: Clock,
  ) {
    super();
  }

  onModuleInit(): void {
    this.catchUp.attach(this);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await closeWorker(this.worker, this.redis);
  }

  async process(job: Job<EventJob>): Promise<void> {
    await this.catchUp.wake(this, job.data.organizationId, job.data.seq);
  }

  /** Each reaction commits on its own (it records events); being idempotent, a repeat is harmless. */
  async apply(_tx: unknown, events: StoredEvent[]): Promise<void> {
    for (const event of events) await this.react(event);
  }

  private async react(event: StoredEvent): Promise<void> {
    const userId = event.subject.id;
    if (!userId) return;
    if (isEvent(event, 'user.deactivated')) return this.endSessions(event.organizationId, userId, event.actor.requestId);
    if (!isEvent(event, 'user.removed')) return;
    const now = this.clock.now();
    await this.uow.run({ actor: systemActor(event.actor.requestId), organizationId: event.organizationId }, async (context) => {
      const { em } = context;
      const sessions = await em.find(Session, { userId, $or: [{ ip: { $ne: null } }, { userAgent: { $ne: null } }, { revokedAt: null }] });
      sessions.forEach((session) => {
        session.revoke('user_removed', now);
        session.ip = null;
        session.userAgent = null;
      });
      const keys = await em.find(ApiKey, { userId, revokedAt: null });
      keys.forEach((key) => key.revoke(now, 'administrator'));
      const deleted = [
        await em.nativeDelete(UserMfa, { userId }),
        await em.nativeDelete(RecoveryCode, { userId }),
        await em.nativeDelete(PasswordHistoryEntry, { userId }),
        await em.nativeDelete(AuthChallenge, { userId }),
      ].reduce((sum, count) => sum + count, 0);
      if (sessions.length || keys.length || deleted) {
        context.record({
          type: 'auth.user_data_erased',
          organizationId: event.organizationId,
          subject: { type: 'user', id: userId },
          payload: { sessions: sessions.length, apiKeys: keys.length, records: deleted, removalEventId: event.id },
        });
      }
    });
    await this.revocations.revokeUserTokens(userId, now.getTime());
  }

  private async endSessions(organizationId: string, userId: string, requestId: string | null): Promise<void> {
    const now = this.clock.now();
    await this.uow.run({ actor: systemActor(requestId), organizationId }, async ({ em }) => {
      const sessions = await em.find(Session, { userId, revokedAt: null });
      sessions.forEach((session) => session.revoke('user_deactivated', now));
    });
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<EventJob> | undefined, error: Error): void {
    this.logger.warn(`reacting to event ${job?.data.eventId ?? '?'} failed: ${error.message}`);
  }
}
