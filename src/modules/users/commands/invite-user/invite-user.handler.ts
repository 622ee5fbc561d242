import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AbilityFactory } from '../../../access-policy';
import { assertMayInvite, checkInvitee, InvalidInvitationError } from '../../domain/invitation-rules';
import { grantorOf } from '../../domain/privileges';
import { InvitationMailer } from '../../infrastructure/invitation-mailer';
import { InvitationIssuer } from './invitation-issuer';
import { InviteUserCommand, type IssuedInvitation } from './invite-user.command';

@CommandHandler(InviteUserCommand)
export class InviteUserHandler implements ICommandHandler<InviteUserCommand, IssuedInvitation> {
  constructor(
    private readonly mailer: InvitationMailer,
    private readonly issuer: InvitationIssuer,
    private readonly abilities: AbilityFactory,
  ) {}

  private readonly permissionsOf = (role: string) => this.abilities.permissionsOf(role);

  async execute(command: InviteUserCommand): Promise<IssuedInvitation> {
    const invitee = checkInvitee(command.email, command.role);
    if (command.teamIds.length) {
      throw new InvalidInvitationError('INVITATIONS.TEAMS_UNAVAILABLE', 'teamIds', 'teams are not available yet; leave teamIds empty');
    }
    assertMayInvite(grantorOf(command.principal, this.permissionsOf), invitee.role, this.permissionsOf);
    const inviting = await this.mailer.context(command.principal);
    return this.issuer.issue(inviting, invitee, command.actor);
  }
}
