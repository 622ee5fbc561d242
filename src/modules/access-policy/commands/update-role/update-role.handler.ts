import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { NotFoundError } from '../../../../shared/domain-error';
import { GrantBeyondHoldingsError } from '../../domain/access-errors';
import { CustomRole } from '../../domain/custom-role.entity';
import { grantorOf, permissionsBeyond } from '../../domain/grantor';
import type { Permission } from '../../domain/permissions';
import { AuthzVersions } from '../../infrastructure/authz-versions';
import { RoleCatalogue } from '../../infrastructure/role-catalogue';
import type { RoleView } from '../../queries/role.view';
import { UpdateRoleCommand } from './update-role.command';

@CommandHandler(UpdateRoleCommand)
export class UpdateRoleHandler implements ICommandHandler<UpdateRoleCommand, RoleView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly roles: RoleCatalogue,
    private readonly versions: AuthzVersions,
    private readonly clock: Clock,
  ) {}

  async execute(command: UpdateRoleCommand): Promise<RoleView> {
    const { principal, changes } = command;
    const grantor = grantorOf(principal, await this.roles.permissionsOf(principal.organizationId));
    const { result, events } = await this.uow.run({ actor: command.actor, organizationId: principal.organizationId }, async ({ em }) => {
      const role = await em.findOne(CustomRole, { id: command.roleId });
      if (!role) throw new NotFoundError('Role');
      // one edits only a role one could have made: every permission it had and will have
      const lacking = permissionsBeyond(grantor, [...role.permissions, ...(changes.permissions ?? [])]);
      if (lacking.length) throw new GrantBeyondHoldingsError(lacking);
      role.edit({ description: changes.description, permissions: changes.permissions as Permission[] | undefined }, this.clock.now());
      return role;
    });
    if (events.length) await this.versions.bumpOrganization(principal.organizationId);
    return { id: result.id, name: result.name, builtIn: false, description: result.description, permissions: result.permissions };
  }
}
