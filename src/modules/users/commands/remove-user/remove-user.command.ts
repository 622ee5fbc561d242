import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';

/** Removes a user for good, erasing their personal data. */
export class RemoveUserCommand extends Command<void> {
  constructor(
    readonly by: Principal,
    readonly userId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
