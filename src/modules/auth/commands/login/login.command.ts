import { Command } from '@nestjs/cqrs';
import type { SignInAdmission } from '../../../../infrastructure/security/password-hasher';
import type { Actor } from '../../../../shared/actor';
import type { SignInResult } from '../../infrastructure/sign-in-completion';

export type LoginResult = SignInResult;

export class LoginCommand extends Command<LoginResult> {
  constructor(
    readonly organization: string,
    readonly email: string,
    readonly password: string,
    readonly actor: Actor,
    /** The place in the hashing pool the route took on arrival; the handler takes one otherwise. */
    readonly admission?: SignInAdmission,
  ) {
    super();
  }
}
