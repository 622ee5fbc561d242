import { LockMode } from '@mikro-orm/core';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RoleCatalogue } from '../../../access-policy';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { hashToken } from '../../../../infrastructure/security/token-hash';
import { Clock } from '../../../../shared/clock';
import { DomainError, NotFoundError } from '../../../../shared/domain-error';
import { IdGenerator } from '../../../../shared/ids';
import { Invitation } from '../../domain/invitation.entity';
import { assertMayInvite } from '../../domain/invitation-rules';
import { grantorOf } from '../../domain/privileges';
import { User } from '../../domain/user.entity';
import { InvitationMailer } from '../../infrastructure/invitation-mailer';
import type { IssuedInvitation } from '../invite-user/invite-user.command';
import { ResendInvitationCommand } from './resend-invitation.command';

@CommandHandler(ResendInvitationCommand)
export class ResendInvitationHandler implements ICommandHandler<ResendInvitationCommand, IssuedInvitation> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly mailer: InvitationMailer,
    private readonly roles: RoleCatalogue,
  ) {}

  async execute(command: ResendInvitationCommand): Promise<IssuedInvitation> {
    const inviting = await this.mailer.context(command.principal);
    const permissionsOf = await this.roles.permissionsOf(command.principal.organizationId);
    const token = this.ids.secret(32);
    const { result } = await this.uow.run({ actor: command.actor, organizationId: command.principal.organizationId }, async (context) => {
      const invitation = await context.em.findOne(Invitation, { id: command.invitationId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!invitation) throw new NotFoundError('Invitation');
      assertMayInvite(grantorOf(command.principal, permissionsOf), invitation.role, permissionsOf);
      // refuses an accepted or revoked invitation first (the transaction rolls back on any refusal)
      invitation.resend({ tokenHash: hashToken(token), now: this.clock.now(), ttlDays: inviting.ttlDays });
      const user = await context.em.findOne(User, { id: invitation.userId });
      if (!user?.email || user.status !== 'invited') {
        throw new DomainError('INVITATIONS.NOT_RESENDABLE', 'conflict', 'The invited account is no longer waiting for this invitation');
      }
      await this.mailer.queue(context, inviting, invitation, user.email, token);
      return { id: invitation.id, email: user.email, role: invitation.role, status: invitation.status, expiresAt: invitation.expiresAt, outcome: 'resent' as const };
    });
    return result;
  }
}
