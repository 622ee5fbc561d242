import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';

/** Sets a new password with a reset (or expired-password) token; every session ends. */
export class ResetPasswordCommand extends Command<void> {
  constructor(
    readonly token: string,
    readonly password: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
