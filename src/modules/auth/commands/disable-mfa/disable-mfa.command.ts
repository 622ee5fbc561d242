import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { UserRef } from '../../infrastructure/acting-user';

/** Turns MFA off; needs a current code (or a recovery code). */
export class DisableMfaCommand extends Command<void> {
  constructor(
    readonly user: UserRef,
    readonly code: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
