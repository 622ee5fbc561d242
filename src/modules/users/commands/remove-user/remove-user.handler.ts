import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { MailOutbox } from '../../../../infrastructure/mail/mail-outbox';
import { Revocations } from '../../../../infrastructure/security/revocations';
import { Clock } from '../../../../shared/clock';
import { AuthzVersions, Ports, RoleCatalogue } from '../../../access-policy';
import { InAppNotifications } from '../../../notifications';
import { Avatar } from '../../domain/avatar.entity';
import { Invitation } from '../../domain/invitation.entity';
import { PlatformOperators } from '../../contracts/platform-operators';
import { PersonalRecords } from '../../contracts/personal-records';
import { TeamDirectory } from '../../contracts/team-directory';
import { assertMayChangeLifecycle } from '../../domain/privileges';
import { loadForAdministration } from '../../infrastructure/administered-user';
import { RemoveUserCommand } from './remove-user.command';

/**
 * Erases what the users module keeps about the person: the account's profile (User.remove),
 * their picture, the address on their invitations (pending ones are revoked) and on mails not
 * yet sent; their in-app feed and their name in others' notices; and, through PersonalRecords,
 * their name in the audit read models. What auth keeps (sessions, second factor, keys, password
 * history) is erased by auth on user.removed.
 */
@CommandHandler(RemoveUserCommand)
export class RemoveUserHandler implements ICommandHandler<RemoveUserCommand, void> {
  private readonly logger = new Logger(RemoveUserHandler.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly roles: RoleCatalogue,
    private readonly versions: AuthzVersions,
    private readonly revocations: Revocations,
    private readonly clock: Clock,
    private readonly mail: MailOutbox,
    private readonly operators: PlatformOperators,
    private readonly ports: Ports,
    private readonly notices: InAppNotifications,
  ) {}

  async execute(command: RemoveUserCommand): Promise<void> {
    const now = this.clock.now();
    await this.uow.run({ actor: command.actor, organizationId: command.by.organizationId }, async (context) => {
      const { em } = context;
      const { target, grantor, activeAdministratorIds, permissionsOf } = await loadForAdministration(em, this.roles, command.by, command.userId, 'users:manage');
      assertMayChangeLifecycle(grantor, target, 'remove', activeAdministratorIds, permissionsOf);
      await em.populate(target, ['passwordHash']);
      const email = target.email;
      target.remove(now);
      await this.operators.end(context, target.id, 'removed');
      // out of every team in the same transaction: no grant of theirs outlives the account
      await this.ports.get(TeamDirectory).leaveAll(context, target.organizationId, target.id);
      // the audit trail's rows that name them show "removed user" from this commit on
      await this.ports.get(PersonalRecords).eraseUser(context, target.organizationId, target.id);
      // their in-app feed, and their address and name in the notices of those who invited them
      await this.notices.eraseUser(context, target.organizationId, target.id, email);
      const invitations = await em.find(Invitation, { userId: target.id });
      for (const invitation of invitations) {
        if (invitation.status === 'pending') invitation.revoke(now);
        invitation.emailNormalized = null;
        await this.mail.cancelFor(context, { type: 'invitation', id: invitation.id });
      }
      await em.nativeDelete(Avatar, { userId: target.id, organizationId: target.organizationId });
      // mails not yet sent to them (an invitation, a reset link) go too
      await this.mail.cancelFor(context, { type: 'user', id: target.id });
    });
    await this.versions.bumpUsers([command.userId.toLowerCase()]);
    await this.revocations
      .revokeUserTokens(command.userId, this.clock.now().getTime())
      .catch((error: Error) => this.logger.error(`revocation mark not written (old tokens last until they expire): ${error.message}`));
  }
}
