import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';
import type { UserDetailView } from '../../queries/user-views';

/** Gives a user another role within the privilege rules; their tokens stop on the next request. */
export class ChangeUserRoleCommand extends Command<UserDetailView> {
  constructor(
    readonly by: Principal,
    readonly userId: string,
    readonly role: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
