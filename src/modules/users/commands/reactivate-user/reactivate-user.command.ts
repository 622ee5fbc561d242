import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';
import type { UserDetailView } from '../../queries/user-views';

/** Lets a deactivated user sign in again. */
export class ReactivateUserCommand extends Command<UserDetailView> {
  constructor(
    readonly by: Principal,
    readonly userId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
