import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { DomainError, NotFoundError } from '../../../../shared/domain-error';
import { profileOf, UserAccounts, type UserProfile } from '../../contracts/user-accounts';
import { ADMIN_EDITABLE_FIELDS, parseProfileChanges, SELF_EDITABLE_FIELDS } from '../../domain/profile';
import { lockForProfileEdit } from './profile-lock';
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
      const { result: edited } = await this.uow.run({ actor: command.actor, organizationId }, async ({ em }) => {
        // the row locked with what the answer needs, scoped to the organization by hand
        const locked = await lockForProfileEdit(em, organizationId, userId);
        if (!locked || locked.user.status === 'removed') throw new NotFoundError('User');
        // values equal to the current ones change nothing: no update, no event
        locked.user.updateProfile(changes, this.clock.now());
        return profileOf(locked.user, locked.extras);
      });
      return edited;
    }
    const profile = await this.users.findProfile(organizationId, userId);
    if (!profile || profile.status === 'removed') throw new NotFoundError('User');
    return profile;
  }
}
