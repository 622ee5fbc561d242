import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { NotFoundError } from '../../../../shared/domain-error';
import { UserAccounts } from '../../../users';
import { LoginThrottle } from '../../infrastructure/login-throttle';
import { UnlockUserCommand } from './unlock-user.command';

@CommandHandler(UnlockUserCommand)
export class UnlockUserHandler implements ICommandHandler<UnlockUserCommand, { wasLocked: boolean }> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserAccounts,
    private readonly throttle: LoginThrottle,
  ) {}

  async execute(command: UnlockUserCommand): Promise<{ wasLocked: boolean }> {
    const user = await this.users.findProfile(command.organizationId, command.userId);
    if (!user?.email) throw new NotFoundError('User');
    const wasLocked = await this.throttle.unlock(this.throttle.accountKey(command.organizationId, user.email));
    await this.uow.run({ actor: command.actor, organizationId: command.organizationId }, async (context) => {
      context.record({
        type: 'auth.account_unlocked',
        organizationId: command.organizationId,
        subject: { type: 'user', id: user.id },
        payload: { wasLocked },
      });
    });
    return { wasLocked };
  }
}
