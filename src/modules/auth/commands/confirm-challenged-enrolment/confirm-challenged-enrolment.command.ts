import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { RecoveryCodes } from '../../infrastructure/mfa';
import type { PasswordExpiredStep } from '../../infrastructure/password-expiry';
import type { TokenPair } from '../../infrastructure/token-issuer';

/** …and finish it, which also completes the sign-in. */
export class ConfirmChallengedEnrolmentCommand extends Command<RecoveryCodes & (TokenPair | PasswordExpiredStep)> {
  constructor(
    readonly mfaToken: string,
    readonly code: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
