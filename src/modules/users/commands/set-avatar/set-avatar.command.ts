import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { UserProfile } from '../../contracts/user-accounts';

export class SetAvatarCommand extends Command<UserProfile> {
  constructor(
    readonly owner: { organizationId: string; userId: string },
    /** The request body as received: only raw bytes are an image. */
    readonly upload: unknown,
    readonly actor: Actor,
  ) {
    super();
  }
}
