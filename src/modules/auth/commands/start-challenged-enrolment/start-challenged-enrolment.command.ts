import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { TotpEnrolment } from '../../infrastructure/mfa';

/** A sign-in that policy makes enrol first: start the enrolment with the challenge… */
export class StartChallengedEnrolmentCommand extends Command<TotpEnrolment> {
  constructor(
    readonly mfaToken: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
