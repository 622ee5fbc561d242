import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { UserRef } from '../../infrastructure/acting-user';
import type { TotpEnrolment } from '../../infrastructure/mfa';

/** Starts a TOTP enrolment for the signed-in user. */
export class StartTotpEnrolmentCommand extends Command<TotpEnrolment> {
  constructor(
    readonly user: UserRef,
    readonly actor: Actor,
  ) {
    super();
  }
}
