import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { PasswordExpiredStep } from '../../infrastructure/password-expiry';
import type { TokenPair } from '../../infrastructure/token-issuer';

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
}

export interface RecoveryCodes {
  recoveryCodes: string[];
}

interface UserRef {
  organizationId: string;
  userId: string;
}

/** Starts a TOTP enrolment for the signed-in user. */
export class StartTotpEnrolmentCommand extends Command<TotpEnrolment> {
  constructor(readonly user: UserRef, readonly actor: Actor) {
    super();
  }
}

/** Confirms it with a first code; answers the recovery codes, once. */
export class ConfirmTotpEnrolmentCommand extends Command<RecoveryCodes> {
  constructor(readonly user: UserRef, readonly code: string, readonly actor: Actor) {
    super();
  }
}

/** Turns MFA off; needs a current code (or a recovery code). */
export class DisableMfaCommand extends Command<void> {
  constructor(readonly user: UserRef, readonly code: string, readonly actor: Actor) {
    super();
  }
}

/** Replaces the recovery codes; needs a current code. */
export class RegenerateRecoveryCodesCommand extends Command<RecoveryCodes> {
  constructor(readonly user: UserRef, readonly code: string, readonly actor: Actor) {
    super();
  }
}

/** An administrator removes a user's MFA (lost device); the user is told by mail. */
export class ResetUserMfaCommand extends Command<void> {
  constructor(readonly user: UserRef, readonly actor: Actor) {
    super();
  }
}

/** The second step of a sign-in: the code for the challenge the password step issued. */
export class VerifyMfaChallengeCommand extends Command<TokenPair | PasswordExpiredStep> {
  constructor(readonly mfaToken: string, readonly code: string, readonly actor: Actor) {
    super();
  }
}

/** A sign-in that policy makes enrol first: start the enrolment with the challenge… */
export class StartChallengedEnrolmentCommand extends Command<TotpEnrolment> {
  constructor(readonly mfaToken: string, readonly actor: Actor) {
    super();
  }
}

/** …and finish it, which also signs in. */
export class ConfirmChallengedEnrolmentCommand extends Command<RecoveryCodes & TokenPair> {
  constructor(readonly mfaToken: string, readonly code: string, readonly actor: Actor) {
    super();
  }
}
