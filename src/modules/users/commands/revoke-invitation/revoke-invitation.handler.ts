import { LockMode } from '@mikro-orm/core';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RoleCatalogue } from '../../../access-policy';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { NotFoundError } from '../../../../shared/domain-error';
import { Invitation } from '../../domain/invitation.entity';
import { assertMayInvite } from '../../domain/invitation-rules';
import { grantorOf } from '../../domain/privileges';
import { RevokeInvitationCommand } from './revoke-invitation.command';

@CommandHandler(RevokeInvitationCommand)
export class RevokeInvitationHandler implements ICommandHandler<RevokeInvitationCommand, void> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly roles: RoleCatalogue,
  ) {}

  async execute(command: RevokeInvitationCommand): Promise<void> {
    const permissionsOf = await this.roles.permissionsOf(command.principal.organizationId);
    await this.uow.run({ actor: command.actor, organizationId: command.principal.organizationId }, async ({ em }) => {
      const invitation = await em.findOne(Invitation, { id: command.invitationId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!invitation) throw new NotFoundError('Invitation');
      // whoever could not have sent it may not take it back either
      assertMayInvite(grantorOf(command.principal, permissionsOf), invitation.role, permissionsOf);
      invitation.revoke(this.clock.now());
    });
  }
}
