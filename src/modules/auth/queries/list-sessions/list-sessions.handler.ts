import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { Session } from '../../domain/session.entity';
import { ListSessionsQuery, type SessionView } from './list-sessions.query';

@QueryHandler(ListSessionsQuery)
export class ListSessionsHandler implements IQueryHandler<ListSessionsQuery, SessionView[]> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(query: ListSessionsQuery): Promise<SessionView[]> {
    const sessions = await this.uow
      .reader(query.organizationId)
      .find(Session, { userId: query.userId, revokedAt: null, expiresAt: { $gt: this.clock.now() } }, { orderBy: { createdAt: 'desc' }, limit: 200 });
    return sessions.map((session) => ({
      id: session.id,
      current: session.id === query.currentSessionId,
      authMethod: session.authMethod,
      userAgent: session.userAgent,
      ip: session.ip,
      createdAt: session.createdAt.toISOString(),
      lastUsedAt: session.lastUsedAt.toISOString(),
      expiresAt: session.expiresAt.toISOString(),
    }));
  }
}
