import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { IdGenerator } from '../../../../shared/ids';
import { GrantBeyondHoldingsError, RoleNameTakenError } from '../../domain/access-errors';
import { CustomRole } from '../../domain/custom-role.entity';
import { grantorOf, permissionsBeyond } from '../../domain/grantor';
import type { Permission } from '../../domain/permissions';
import { isBuiltInRole } from '../../domain/roles';
import { AuthzVersions } from '../../infrastructure/authz-versions';
import { RoleCatalogue } from '../../infrastructure/role-catalogue';
import type { RoleView } from '../../queries/role.view';
import { CreateRoleCommand } from './create-role.command';

@CommandHandler(CreateRoleCommand)
export class CreateRoleHandler implements ICommandHandler<CreateRoleCommand, RoleView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly roles: RoleCatalogue,
    private readonly versions: AuthzVersions,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: CreateRoleCommand): Promise<RoleView> {
    const { principal, input } = command;
    const name = input.name.trim();
    if (isBuiltInRole(name) || BUILT_IN_LOWER.has(name.toLowerCase())) throw new RoleNameTakenError(name);
    const lacking = permissionsBeyond(grantorOf(principal, await this.roles.permissionsOf(principal.organizationId)), input.permissions);
    if (lacking.length) throw new GrantBeyondHoldingsError(lacking);
    try {
      const { result } = await this.uow.run({ actor: command.actor, organizationId: principal.organizationId }, async ({ em }) => {
        const role = CustomRole.create({
          id: this.ids.uuid(),
          organizationId: principal.organizationId,
          name,
          description: input.description,
          permissions: input.permissions as Permission[],
          now: this.clock.now(),
        });
        em.persist(role);
        return role;
      });
      await this.versions.bumpOrganization(principal.organizationId);
      return { id: result.id, name: result.name, builtIn: false, description: result.description, permissions: result.permissions };
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new RoleNameTakenError(name);
      throw error;
    }
  }
}

const BUILT_IN_LOWER = new Set(['administrator', 'manager', 'developer', 'viewer']);
