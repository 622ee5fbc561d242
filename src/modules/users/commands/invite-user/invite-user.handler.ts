import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { assertMayInvite, checkInvitee, InvalidInvitationError } from '../../domain/invitation-rules';
import { InvitationMailer } from '../../infrastructure/invitation-mailer';
import { InvitationIssuer } from './invitation-issuer';
import { InviteUserCommand, type IssuedInvitation } from './invite-user.command';

@CommandHandler(InviteUserCommand)
export class InviteUserHandler implements ICommandHandler<InviteUserCommand, IssuedInvitation> {
  constructor(
    private readonly mailer: InvitationMailer,
    private readonly issuer: InvitationIssuer,
  ) {}

  async execute(command: InviteUserCommand): Promise<IssuedInvitation> {
    const invitee = checkInvitee(command.email, command.role);
    if (command.teamIds.length) {
      throw new InvalidInvitationError('INVITATIONS.TEAMS_UNAVAILABLE', 'teamIds', 'teams are not available yet; leave teamIds empty');
    }
    assertMayInvite(command.principal.role, invitee.role);
    const inviting = await this.mailer.context(command.principal);
    return this.issuer.issue(inviting, invitee, command.actor);
  }
}
