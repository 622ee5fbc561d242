import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Revocations } from '../../../../infrastructure/security/revocations';
import { Clock } from '../../../../shared/clock';
import { NotFoundError } from '../../../../shared/domain-error';
import { Session } from '../../domain/session.entity';
import { RevokeSessionsCommand } from './revoke-sessions.command';

@CommandHandler(RevokeSessionsCommand)
export class RevokeSessionsHandler implements ICommandHandler<RevokeSessionsCommand, { revoked: number }> {
  private readonly logger = new Logger(RevokeSessionsHandler.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly revocations: Revocations,
    private readonly clock: Clock,
  ) {}

  async execute({ scope, reason, actor }: RevokeSessionsCommand): Promise<{ revoked: number }> {
    const { result: sessionIds } = await this.uow.run({ actor, organizationId: scope.organizationId }, async ({ em }) => {
      const sessions = await em.find(Session, {
        userId: scope.userId,
        revokedAt: null,
        ...(scope.sessionId ? { id: scope.sessionId } : {}),
        ...(scope.exceptSessionId ? { id: { $ne: scope.exceptSessionId } } : {}),
      });
      if (scope.sessionId && !sessions.length) throw new NotFoundError('Session');
      const now = this.clock.now();
      sessions.forEach((session) => session.revoke(reason, now));
      return sessions.map((session) => session.id);
    });
    // after commit: every instance refuses these sessions' access tokens from the next request
    await Promise.all(sessionIds.map((id) => this.revocations.revokeSession(id))).catch((error: Error) =>
      this.logger.error(`revocation marks not written (tokens expire on their own): ${error.message}`),
    );
    return { revoked: sessionIds.length };
  }
}
