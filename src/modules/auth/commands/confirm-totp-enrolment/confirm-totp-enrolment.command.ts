import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { UserRef } from '../../infrastructure/acting-user';
import type { RecoveryCodes } from '../../infrastructure/mfa';

/** Confirms the signed-in user's enrolment with a first code; answers the recovery codes, once. */
export class ConfirmTotpEnrolmentCommand extends Command<RecoveryCodes> {
  constructor(
    readonly user: UserRef,
    readonly code: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
