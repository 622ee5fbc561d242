import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Revocations } from '../../../../infrastructure/security/revocations';
import { Clock } from '../../../../shared/clock';
import { AuthzVersions, RoleCatalogue } from '../../../access-policy';
import { PlatformOperators } from '../../contracts/platform-operators';
import { assertMayChangeLifecycle } from '../../domain/privileges';
import { loadForAdministration } from '../../infrastructure/administered-user';
import { userDetail, type UserDetailView } from '../../queries/user-views';
import { DeactivateUserCommand } from './deactivate-user.command';

@CommandHandler(DeactivateUserCommand)
export class DeactivateUserHandler implements ICommandHandler<DeactivateUserCommand, UserDetailView> {
  private readonly logger = new Logger(DeactivateUserHandler.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly roles: RoleCatalogue,
    private readonly versions: AuthzVersions,
    private readonly revocations: Revocations,
    private readonly clock: Clock,
    private readonly operators: PlatformOperators,
  ) {}

  async execute(command: DeactivateUserCommand): Promise<UserDetailView> {
    const { result } = await this.uow.run({ actor: command.actor, organizationId: command.by.organizationId }, async (context) => {
      const { target, grantor, activeAdministratorIds, permissionsOf } = await loadForAdministration(context.em, this.roles, command.by, command.userId, 'users:manage');
      assertMayChangeLifecycle(grantor, target, 'deactivate', activeAdministratorIds, permissionsOf);
      target.deactivate(this.clock.now());
      // a reactivated Administrator is not an operator again unless granted anew
      await this.operators.end(context, target.id, 'deactivated');
      return target;
    });
    // its cached ability answers inactive_user from the next check on, on every instance
    await this.versions.bumpUsers([result.id]);
    // refresh and sign-in already refuse the account; this stops the access tokens in hand
    await this.revocations
      .revokeUserTokens(result.id, this.clock.now().getTime())
      .catch((error: Error) => this.logger.error(`revocation mark not written (old tokens last until they expire): ${error.message}`));
    return userDetail(result);
  }
}
