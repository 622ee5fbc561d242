import { LockMode } from '@mikro-orm/core';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { DomainError, NotFoundError } from '../../../../shared/domain-error';
import { UserAccounts, type UserProfile } from '../../contracts/user-accounts';
import { ADMIN_EDITABLE_FIELDS, parseProfileChanges, SELF_EDITABLE_FIELDS } from '../../domain/profile';
import { User } from '../../domain/user.entity';
import { UpdateProfileCommand } from './update-profile.command';

@CommandHandler(UpdateProfileCommand)
export class UpdateProfileHandler implements ICommandHandler<UpdateProfileCommand, UserProfile> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly users: UserAccounts,
  ) {}

  async execute(command: UpdateProfileCommand): Promise<UserProfile> {
    const { organizationId, userId } = command.target;
    const editable = command.editor === 'self' ? SELF_EDITABLE_FIELDS : ADMIN_EDITABLE_FIELDS;
    const { changes, errors } = parseProfileChanges(command.input, editable);
    if (errors.length) throw new DomainError('USERS.INVALID_PROFILE', 'invalid', 'The profile change is not valid', errors);

    if (Object.keys(changes).length) {
      await this.uow.run({ actor: command.actor, organizationId }, async ({ em }) => {
        // the tenant filter makes another organization's user not found
        const user = await em.findOne(User, { id: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!user || user.status === 'removed') throw new NotFoundError('User');
        // values equal to the current ones change nothing: no update, no event
        user.updateProfile(changes, this.clock.now());
      });
    }
    const profile = await this.users.findProfile(organizationId, userId);
    if (!profile || profile.status === 'removed') throw new NotFoundError('User');
    return profile;
  }
}
