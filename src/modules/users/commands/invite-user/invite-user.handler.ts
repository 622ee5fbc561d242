import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ForbiddenError } from '../../../../shared/domain-error';
import { Abilities, Ports, RoleCatalogue, UnknownRoleError } from '../../../access-policy';
import { TeamDirectory } from '../../contracts/team-directory';
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
    private readonly roles: RoleCatalogue,
    private readonly abilities: Abilities,
    private readonly ports: Ports,
  ) {}

  async execute(command: InviteUserCommand): Promise<IssuedInvitation> {
    const { principal } = command;
    const role = await this.roles.find(principal.organizationId, String(command.role));
    if (!role) throw new UnknownRoleError('role', String(command.role));
    const invitee = checkInvitee(command.email, role.name, true);
    const permissionsOf = await this.roles.permissionsOf(principal.organizationId);
    assertMayInvite(grantorOf(principal, permissionsOf), invitee.role, permissionsOf);
    const teamIds = [...new Set(command.teamIds.map((id) => id.toLowerCase()))];
    if (teamIds.length) await this.assertMayEnrol(command, teamIds);
    const inviting = await this.mailer.context(principal);
    return this.issuer.issue(inviting, { ...invitee, teamIds }, command.actor);
  }

  /** Into teams that exist, and that the inviter manages or leads (a key: with teams:manage in scope). */
  private async assertMayEnrol(command: InviteUserCommand, teamIds: string[]): Promise<void> {
    const { principal } = command;
    const active = new Set(await this.ports.get(TeamDirectory).activeTeams(principal.organizationId, teamIds));
    const unknown = teamIds.find((id) => !active.has(id));
    if (unknown) throw new InvalidInvitationError('INVITATIONS.UNKNOWN_TEAM', 'teamIds', `teamIds: ${unknown} names no active team of this organization`);
    const ability = await this.abilities.forUser(principal.organizationId, principal.userId);
    const manages = !!ability?.hasPermission('teams:manage') && (principal.scopes === null || principal.scopes.includes('teams:manage'));
    const refused = manages ? undefined : teamIds.find((id) => !ability?.leadsFor('manage_members', id));
    if (refused) throw new ForbiddenError('INVITATIONS.TEAM_NOT_MANAGED', `You neither manage nor lead the team ${refused}`);
  }
}
