import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';

/** "Forgot password": mails a single-use, short-lived link if the account exists, says nothing either way. */
export class RequestPasswordResetCommand extends Command<void> {
  constructor(
    readonly organization: string,
    readonly email: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
