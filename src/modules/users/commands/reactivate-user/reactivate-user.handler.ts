import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { AuthzVersions, RoleCatalogue } from '../../../access-policy';
import { assertMayChangeLifecycle } from '../../domain/privileges';
import { loadForAdministration } from '../../infrastructure/administered-user';
import { userDetail, type UserDetailView } from '../../queries/user-views';
import { ReactivateUserCommand } from './reactivate-user.command';

@CommandHandler(ReactivateUserCommand)
export class ReactivateUserHandler implements ICommandHandler<ReactivateUserCommand, UserDetailView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly roles: RoleCatalogue,
    private readonly versions: AuthzVersions,
    private readonly clock: Clock,
  ) {}

  async execute(command: ReactivateUserCommand): Promise<UserDetailView> {
    const { result } = await this.uow.run({ actor: command.actor, organizationId: command.by.organizationId }, async ({ em }) => {
      const { target, grantor, activeAdministratorIds, permissionsOf } = await loadForAdministration(em, this.roles, command.by, command.userId, 'users:manage');
      assertMayChangeLifecycle(grantor, target, 'reactivate', activeAdministratorIds, permissionsOf);
      target.reactivate(this.clock.now());
      return target;
    });
    await this.versions.bumpUsers([result.id]);
    return userDetail(result);
  }
}
