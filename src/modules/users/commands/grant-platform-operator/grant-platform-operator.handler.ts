import { LockMode } from '@mikro-orm/core';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { NotFoundError } from '../../../../shared/domain-error';
import { PlatformOperators } from '../../contracts/platform-operators';
import { OperatorNotGrantableError } from '../../domain/operator-not-grantable.error';
import { PlatformOperatorGrant } from '../../domain/platform-operator-grant.entity';
import { User } from '../../domain/user.entity';
import type { PlatformOperatorView } from '../../queries/list-platform-operators/platform-operator.view';
import { GrantPlatformOperatorCommand } from './grant-platform-operator.command';

@CommandHandler(GrantPlatformOperatorCommand)
export class GrantPlatformOperatorHandler implements ICommandHandler<GrantPlatformOperatorCommand, { operator: PlatformOperatorView; granted: boolean }> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly operators: PlatformOperators,
  ) {}

  async execute(command: GrantPlatformOperatorCommand): Promise<{ operator: PlatformOperatorView; granted: boolean }> {
    const { result } = await this.uow.run({ actor: command.actor, organizationId: command.by.organizationId }, async (context) => {
      await this.operators.assertOperator(context.em, command.by);
      // the tenant filter answers another organization's user as not found
      const target = await context.em.findOne(User, { id: command.userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!target || target.status === 'removed') throw new NotFoundError('User');
      if (target.role !== 'Administrator' || target.status !== 'active') throw new OperatorNotGrantableError(target.role, target.status);
      const held = await context.em.findOne(PlatformOperatorGrant, { userId: target.id });
      // granting again changes nothing: no second event
      const grant = held ?? this.operators.grant(context, { organizationId: target.organizationId, userId: target.id, grantedBy: command.by.userId, via: 'grant' });
      return {
        granted: !held,
        operator: { userId: target.id, email: target.email, name: target.name, grantedBy: grant.grantedBy, grantedAt: grant.grantedAt },
      };
    });
    return result;
  }
}
