import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { UserRef } from '../../infrastructure/acting-user';

/** An administrator removes a user's MFA (lost device); the user is told by mail. */
export class ResetUserMfaCommand extends Command<void> {
  constructor(
    readonly user: UserRef,
    readonly actor: Actor,
  ) {
    super();
  }
}
