import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '../../../../shared/domain-error';
import { AcceptInvitationCommand, UserAccounts } from '../../../users';
import { LoginThrottle } from '../../infrastructure/login-throttle';
import { SignInCompletion, type SignInResult } from '../../infrastructure/sign-in-completion';
import { AcceptInvitationAndSignInCommand } from './accept-invitation-and-sign-in.command';

/**
 * Accepting an invitation proves the first factor only: the sign-in then ends as every
 * other does (SignInCompletion), so an organization that requires MFA for the role gets
 * the enrolment step before any session exists.
 */
@CommandHandler(AcceptInvitationAndSignInCommand)
export class AcceptInvitationAndSignInHandler implements ICommandHandler<AcceptInvitationAndSignInCommand, SignInResult> {
  constructor(
    private readonly commands: CommandBus,
    private readonly users: UserAccounts,
    private readonly throttle: LoginThrottle,
    private readonly completion: SignInCompletion,
  ) {}

  async execute({ token, name, password, actor }: AcceptInvitationAndSignInCommand): Promise<SignInResult> {
    const accepted = await this.commands.execute(new AcceptInvitationCommand(token, name, password, actor));
    const profile = await this.users.findProfile(accepted.organizationId, accepted.userId);
    const candidate = profile?.email ? await this.users.findForSignIn(accepted.organizationId, profile.email) : null;
    if (!profile?.email || !candidate) throw new NotFoundError('User');
    return this.completion.afterFirstFactor(actor, candidate, 'invitation', this.throttle.accountKey(accepted.organizationId, profile.email));
  }
}
