import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Revocations } from '../../../../infrastructure/security/revocations';
import { Clock } from '../../../../shared/clock';
import { AuthzVersions, RoleCatalogue, UnknownRoleError } from '../../../access-policy';
import { PlatformOperators } from '../../contracts/platform-operators';
import { assertMayChangeRole } from '../../domain/privileges';
import { loadForAdministration } from '../../infrastructure/administered-user';
import { userDetail, type UserDetailView } from '../../queries/user-views';
import { ChangeUserRoleCommand } from './change-user-role.command';

@CommandHandler(ChangeUserRoleCommand)
export class ChangeUserRoleHandler implements ICommandHandler<ChangeUserRoleCommand, UserDetailView> {
  private readonly logger = new Logger(ChangeUserRoleHandler.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly roles: RoleCatalogue,
    private readonly versions: AuthzVersions,
    private readonly revocations: Revocations,
    private readonly clock: Clock,
    private readonly operators: PlatformOperators,
  ) {}

  async execute(command: ChangeUserRoleCommand): Promise<UserDetailView> {
    // a built-in role or one of the organization's custom roles, spelled as it is saved
    const role = await this.roles.find(command.by.organizationId, command.role);
    if (!role) throw new UnknownRoleError('role', command.role);
    const { result, events } = await this.uow.run({ actor: command.actor, organizationId: command.by.organizationId }, async (context) => {
      const { target, grantor, activeAdministratorIds, permissionsOf } = await loadForAdministration(context.em, this.roles, command.by, command.userId, 'roles:assign');
      assertMayChangeRole(grantor, target, role.name, { permissionsOf, activeAdministratorIds });
      target.changeRole(role.name, this.clock.now());
      // platform-operator powers end with the Administrator role, in this same transaction
      if (target.role !== 'Administrator') await this.operators.end(context, target.id, 'demoted');
      return target;
    });
    if (events.length) {
      await this.versions.bumpUsers([result.id]);
      // tokens carry the role: the old ones stop now, a refresh brings the new role
      await this.revocations
        .revokeUserTokens(result.id, this.clock.now().getTime())
        .catch((error: Error) => this.logger.error(`revocation mark not written (old tokens last until they expire): ${error.message}`));
    }
    return userDetail(result);
  }
}
