import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';

export class RemoveAvatarCommand extends Command<void> {
  constructor(
    readonly owner: { organizationId: string; userId: string },
    readonly actor: Actor,
  ) {
    super();
  }
}
