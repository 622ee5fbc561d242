import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { EventJob } from '../../../infrastructure/event-store/event-consumers';
import { EventStore } from '../../../infrastructure/event-store/event-store';
import { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import { Revocations } from '../../../infrastructure/security/revocations';
import { systemActor } from '../../../shared/actor';
import { Clock } from '../../../shared/clock';
import { ApiKey } from '../domain/api-key.entity';
import { AuthChallenge } from '../domain/auth-challenge.entity';
import { PasswordHistoryEntry } from '../domain/password-history.entity';
import { RecoveryCode } from '../domain/recovery-code.entity';
import { Session } from '../domain/session.entity';
import { UserMfa } from '../domain/user-mfa.entity';

export const AUTH_EVENTS_QUEUE = 'auth-events';
export const AUTH_REACTS_TO = ['user.removed', 'user.deactivated'];

/**
 * Sign-in's reactions to the users module's events. A deactivated user's sessions end (so
 * a later reactivation does not bring old refresh tokens back). When a user is removed,
 * what sign-in kept about them goes too: sessions end and lose their IP and device, keys
 * are revoked, the second factor and old password hashes are deleted. Idempotent: a second
 * delivery finds nothing left to do.
 */
@Processor(AUTH_EVENTS_QUEUE, { concurrency: 4 })
export class UserEventsProcessor extends WorkerHost implements BeforeApplicationShutdown {
  private readonly logger = new Logger(UserEventsProcessor.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly store: EventStore,
    private readonly revocations: Revocations,
    private readonly clock: Clock,
  ) {
    super();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async process(job: Job<EventJob>): Promise<void> {
    const event = await this.store.findById(this.uow.reader(null), job.data.eventId);
    const userId = event?.subject.id;
    if (!event || !userId) return;
    if (event.type === 'user.deactivated') return this.endSessions(event.organizationId, userId, event.actor.requestId);
    if (event.type !== 'user.removed') return;
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
