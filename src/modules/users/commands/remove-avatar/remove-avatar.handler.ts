import { LockMode } from '@mikro-orm/core';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { NotFoundError } from '../../../../shared/domain-error';
import { Avatar } from '../../domain/avatar.entity';
import { User } from '../../domain/user.entity';
import { RemoveAvatarCommand } from './remove-avatar.command';

@CommandHandler(RemoveAvatarCommand)
export class RemoveAvatarHandler implements ICommandHandler<RemoveAvatarCommand, void> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(command: RemoveAvatarCommand): Promise<void> {
    const { organizationId, userId } = command.owner;
    await this.uow.run({ actor: command.actor, organizationId }, async ({ em }) => {
      const user = await em.findOne(User, { id: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!user) throw new NotFoundError('User');
      const avatar = await em.findOne(Avatar, { userId });
      // removing what is not there changes nothing and records nothing
      if (!avatar) return;
      em.remove(avatar);
      user.avatarRemoved(this.clock.now());
    });
  }
}
