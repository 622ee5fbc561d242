import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { PasswordExpiredStep } from '../../infrastructure/password-expiry';
import type { TokenPair } from '../../infrastructure/token-issuer';

/** The password was right; a second step comes first (a code, or enrolling because policy says so). */
export type MfaStep = { mfaRequired: true; mfaToken: string } | { mfaEnrollmentRequired: true; mfaToken: string };

export type LoginResult = TokenPair | MfaStep | PasswordExpiredStep;

export class LoginCommand extends Command<LoginResult> {
  constructor(
    readonly organization: string,
    readonly email: string,
    readonly password: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
