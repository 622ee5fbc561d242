import { Command } from '@nestjs/cqrs';
import type { Actor } from '../../../../shared/actor';
import type { SignInResult } from '../../infrastructure/sign-in-completion';

/** The invitee sets their name and password and is signed in, through the MFA step if their organization requires one. */
export class AcceptInvitationAndSignInCommand extends Command<SignInResult> {
  constructor(
    readonly token: string,
    readonly name: string,
    readonly password: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
