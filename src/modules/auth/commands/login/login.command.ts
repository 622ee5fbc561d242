import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { SignInResult } from '../../infrastructure/sign-in-completion';

export type LoginResult = SignInResult;

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
