import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';

/** The signed-in user changes their password; their other sessions are signed out. */
export class ChangePasswordCommand extends Command<void> {
  constructor(readonly principal: Principal, readonly currentPassword: string, readonly newPassword: string, readonly actor: Actor) {
    super();
  }
}

/** "Forgot password": mails a single-use, short-lived link if the account exists, says nothing either way. */
export class RequestPasswordResetCommand extends Command<void> {
  constructor(readonly organization: string, readonly email: string, readonly actor: Actor) {
    super();
  }
}

/** Sets a new password with a reset (or expired-password) token; every session ends. */
export class ResetPasswordCommand extends Command<void> {
  constructor(readonly token: string, readonly password: string, readonly actor: Actor) {
    super();
  }
}
