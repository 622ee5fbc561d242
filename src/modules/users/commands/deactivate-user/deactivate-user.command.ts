import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';
import type { UserDetailView } from '../../queries/user-views';

/** Deactivates an active user; their tokens and API keys stop on the next request. */
export class DeactivateUserCommand extends Command<UserDetailView> {
  constructor(
    readonly by: Principal,
    readonly userId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
