import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Challenges } from '../../infrastructure/challenges';
import { CheckPasswordResetQuery } from './check-password-reset.query';

/** Refuses (AUTH.INVALID_CHALLENGE) a link that expired, was used or was replaced by a newer one. */
@QueryHandler(CheckPasswordResetQuery)
export class CheckPasswordResetHandler implements IQueryHandler<CheckPasswordResetQuery, { expiresAt: Date; organizationId: string }> {
  constructor(
    private readonly challenges: Challenges,
    private readonly uow: UnitOfWork,
  ) {}

  async execute(query: CheckPasswordResetQuery): Promise<{ expiresAt: Date; organizationId: string }> {
    const challenge = await this.challenges.find(this.uow.reader(null), query.token, 'password_reset');
    return { expiresAt: challenge.expiresAt, organizationId: challenge.organizationId };
  }
}
