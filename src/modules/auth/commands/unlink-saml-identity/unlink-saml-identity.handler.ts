import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { NotFoundError } from '../../../../shared/domain-error';
import { SamlIdentity } from '../../domain/sso/saml-identity.entity';
import { UnlinkSamlIdentityCommand } from './unlink-saml-identity.command';

/**
 * The next SSO login with that NameID finds no account by it, and links again only under the
 * connection's rules (a verified domain), so an admin can move an IdP identity off an account.
 */
@CommandHandler(UnlinkSamlIdentityCommand)
export class UnlinkSamlIdentityHandler implements ICommandHandler<UnlinkSamlIdentityCommand, void> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(command: UnlinkSamlIdentityCommand): Promise<void> {
    await this.uow.run({ actor: command.actor, organizationId: command.organizationId }, async (context) => {
      const identity = await context.em.findOne(SamlIdentity, { id: command.identityId, userId: command.userId });
      if (!identity) throw new NotFoundError('Connected service');
      context.record(identity.unlinkedEvent(command.by));
      context.em.remove(identity);
    });
  }
}
