import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { Principal } from '../../../../shared/principal';

/** The signed-in user changes their password; their other sessions are signed out. */
export class ChangePasswordCommand extends Command<void> {
  constructor(
    readonly principal: Principal,
    readonly currentPassword: string,
    readonly newPassword: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
