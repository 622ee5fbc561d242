import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { PasswordExpiredStep } from '../../infrastructure/password-expiry';
import type { TokenPair } from '../../infrastructure/token-issuer';

/** The second step of a sign-in: the code for the challenge the password step issued. */
export class VerifyMfaChallengeCommand extends Command<TokenPair | PasswordExpiredStep> {
  constructor(
    readonly mfaToken: string,
    readonly code: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
