import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { PlatformOperators } from '../../contracts/platform-operators';
import { PlatformOperatorGrant } from '../../domain/platform-operator-grant.entity';
import { User } from '../../domain/user.entity';
import { ListPlatformOperatorsQuery } from './list-platform-operators.query';
import type { PlatformOperatorView } from './platform-operator.view';

@QueryHandler(ListPlatformOperatorsQuery)
export class ListPlatformOperatorsHandler implements IQueryHandler<ListPlatformOperatorsQuery, PlatformOperatorView[]> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly operators: PlatformOperators,
  ) {}

  async execute(query: ListPlatformOperatorsQuery): Promise<PlatformOperatorView[]> {
    const em = this.uow.reader(query.by.organizationId);
    await this.operators.assertOperator(em, query.by);
    const grants = await em.find(PlatformOperatorGrant, {}, { orderBy: { grantedAt: 'asc', userId: 'asc' } });
    const users = new Map((await em.find(User, { id: { $in: grants.map((grant) => grant.userId) } })).map((user) => [user.id, user]));
    return grants.map((grant) => ({
      userId: grant.userId,
      email: users.get(grant.userId)?.email ?? null,
      name: users.get(grant.userId)?.name ?? null,
      grantedBy: grant.grantedBy,
      grantedAt: grant.grantedAt,
    }));
  }
}
