import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { NotFoundError } from '../../../../shared/domain-error';
import { PlatformOperators } from '../../contracts/platform-operators';
import { SelfActionError } from '../../domain/self-action.error';
import { RevokePlatformOperatorCommand } from './revoke-platform-operator.command';

@CommandHandler(RevokePlatformOperatorCommand)
export class RevokePlatformOperatorHandler implements ICommandHandler<RevokePlatformOperatorCommand, void> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly operators: PlatformOperators,
  ) {}

  async execute(command: RevokePlatformOperatorCommand): Promise<void> {
    await this.uow.run({ actor: command.actor, organizationId: command.by.organizationId }, async (context) => {
      await this.operators.assertOperator(context.em, command.by);
      // another operator takes it back, so the platform is never left without one by a slip
      if (command.userId.toLowerCase() === command.by.userId.toLowerCase()) throw new SelfActionError('revoke your own platform-operator grant');
      if (!(await this.operators.end(context, command.userId, 'revoked'))) throw new NotFoundError('Platform operator');
    });
  }
}
