import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Logger } from '@nestjs/common';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Revocations } from '../../../../infrastructure/security/revocations';
import { Clock } from '../../../../shared/clock';
import { NotFoundError } from '../../../../shared/domain-error';
import { AccountStanding } from '../../contracts/account-standing';
import { GrantBeyondHoldingsError, RoleInUseError, UnknownRoleError } from '../../domain/access-errors';
import { CustomRole } from '../../domain/custom-role.entity';
import { grantorOf, permissionsBeyond } from '../../domain/grantor';
import { ResourceGrant } from '../../domain/resource-grant.entity';
import { AuthzVersions } from '../../infrastructure/authz-versions';
import { Ports } from '../../infrastructure/ports';
import { RoleCatalogue } from '../../infrastructure/role-catalogue';
import { DeleteRoleCommand } from './delete-role.command';

@CommandHandler(DeleteRoleCommand)
export class DeleteRoleHandler implements ICommandHandler<DeleteRoleCommand, { reassignedUsers: number }> {
  private readonly logger = new Logger(DeleteRoleHandler.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly roles: RoleCatalogue,
    private readonly versions: AuthzVersions,
    private readonly revocations: Revocations,
    private readonly ports: Ports,
    private readonly clock: Clock,
  ) {}

  async execute(command: DeleteRoleCommand): Promise<{ reassignedUsers: number }> {
    const { principal } = command;
    const organizationId = principal.organizationId;
    const grantor = grantorOf(principal, await this.roles.permissionsOf(organizationId));
    const replacement = command.replacement === undefined ? null : await this.roles.find(organizationId, command.replacement);
    if (command.replacement !== undefined && !replacement) throw new UnknownRoleError('replacement', command.replacement);
    const accounts = this.ports.get(AccountStanding);
    const { result } = await this.uow.run({ actor: command.actor, organizationId }, async (context) => {
      const role = await context.em.findOne(CustomRole, { id: command.roleId });
      if (!role) throw new NotFoundError('Role');
      if (replacement && replacement.name.toLowerCase() === role.name.toLowerCase()) {
        throw new UnknownRoleError('replacement', `${command.replacement} (the role being deleted)`);
      }
      const lacking = permissionsBeyond(grantor, [...role.permissions, ...(replacement?.permissions ?? [])]);
      if (lacking.length) throw new GrantBeyondHoldingsError(lacking);
      const holders = await accounts.holdersOf(context, role.name);
      if (holders && !replacement) throw new RoleInUseError(holders);
      const reassigned = replacement ? await accounts.reassign(context, role.name, replacement.name) : [];
      // the role's own grants go with it
      await context.em.nativeDelete(ResourceGrant, { principalType: 'role', principalId: role.id });
      // recorded on the context: a removed entity leaves the identity map at the flush
      context.record(role.deletedEvent(replacement?.name ?? null, reassigned.length));
      context.em.remove(role);
      return reassigned;
    });
    await this.versions.bumpOrganization(organizationId);
    await this.versions.bumpUsers(result);
    // tokens carry the role: its former holders' old tokens stop now
    const now = this.clock.now().getTime();
    await Promise.all(result.map((id) => this.revocations.revokeUserTokens(id, now))).catch((error: Error) =>
      this.logger.error(`revocation marks not written: ${error.message}`),
    );
    return { reassignedUsers: result.length };
  }
}
