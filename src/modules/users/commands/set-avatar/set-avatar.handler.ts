import { LockMode } from '@mikro-orm/core';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { NotFoundError } from '../../../../shared/domain-error';
import { UserAccounts, type UserProfile } from '../../contracts/user-accounts';
import { AVATAR_MAX_BYTES, InvalidAvatarError } from '../../domain/avatar-image';
import { Avatar } from '../../domain/avatar.entity';
import { User } from '../../domain/user.entity';
import { AvatarImageProcessor } from '../../infrastructure/avatar-image-processor';
import { SetAvatarCommand } from './set-avatar.command';

@CommandHandler(SetAvatarCommand)
export class SetAvatarHandler implements ICommandHandler<SetAvatarCommand, UserProfile> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly images: AvatarImageProcessor,
    private readonly users: UserAccounts,
  ) {}

  async execute(command: SetAvatarCommand): Promise<UserProfile> {
    const { organizationId, userId } = command.owner;
    const upload = command.upload;
    if (!Buffer.isBuffer(upload) || !upload.length) throw new InvalidAvatarError();
    if (upload.length > AVATAR_MAX_BYTES) throw new InvalidAvatarError('must be at most 1 MiB');
    // decoded outside the transaction: no row is locked while the image is processed
    const { image, contentType } = await this.images.normalize(upload);

    await this.uow.run({ actor: command.actor, organizationId }, async ({ em }) => {
      // the owner's row is locked so two uploads at once replace rather than collide
      const user = await em.findOne(User, { id: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!user || user.status === 'removed') throw new NotFoundError('User');
      const now = this.clock.now();
      const existing = await em.findOne(Avatar, { userId });
      if (existing) existing.replace(contentType, image, now);
      else em.persist(Avatar.of({ userId, organizationId, contentType, image, now }));
      user.avatarChanged(contentType, now);
    });
    const profile = await this.users.findProfile(organizationId, userId);
    if (!profile) throw new NotFoundError('User');
    return profile;
  }
}
