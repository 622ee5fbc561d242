import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { NotFoundError } from '../../../../shared/domain-error';
import { IdGenerator } from '../../../../shared/ids';
import { GrantBeyondHoldingsError } from '../../domain/access-errors';
import { grantsBeyond } from '../../domain/grant-rules';
import { grantorOf } from '../../domain/grantor';
import { Resource } from '../../domain/resource.entity';
import { ResourceGrant } from '../../domain/resource-grant.entity';
import { AuthzVersions } from '../../infrastructure/authz-versions';
import { GrantPrincipals } from '../../infrastructure/grant-principals';
import { RoleCatalogue } from '../../infrastructure/role-catalogue';
import { grantView, type GrantView } from '../../queries/resource.view';
import { SetResourceGrantsCommand } from './set-resource-grants.command';

const resourceGrantShown = (grant: ResourceGrant) => ({
  principal: { type: grant.principalType, id: grant.principalId },
  actions: grant.actions,
  expiresAt: grant.expiresAt?.toISOString() ?? null,
});

@CommandHandler(SetResourceGrantsCommand)
export class SetResourceGrantsHandler implements ICommandHandler<SetResourceGrantsCommand, GrantView[]> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly roles: RoleCatalogue,
    private readonly principals: GrantPrincipals,
    private readonly versions: AuthzVersions,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: SetResourceGrantsCommand): Promise<GrantView[]> {
    const { principal } = command;
    const organizationId = principal.organizationId;
    const grantor = grantorOf(principal, await this.roles.permissionsOf(organizationId));
    const wanted: { principalType: 'user' | 'team' | 'role'; principalId: string; actions: string[]; expiresAt: Date | null }[] = [];
    for (const [index, grant] of command.grants.entries()) {
      wanted.push({
        principalType: grant.principal.type,
        principalId: await this.principals.resolve(organizationId, grant.principal, `grants[${index}].principal`),
        actions: [...new Set(grant.actions)].sort(),
        expiresAt: this.principals.expiry(grant.expiresAt, `grants[${index}].expiresAt`),
      });
    }
    const { result } = await this.uow.run({ actor: command.actor, organizationId }, async (context) => {
      const resource = await context.em.findOne(Resource, { id: command.resourceId });
      if (!resource) throw new NotFoundError('Resource');
      const existing = await context.em.find(ResourceGrant, { resourceId: resource.id });
      // one gives, and takes away, only what one holds
      const lacking = grantsBeyond(grantor, [...existing, ...wanted].map((grant) => ({ type: resource.type, actions: grant.actions })));
      if (lacking.length) throw new GrantBeyondHoldingsError(lacking);
      for (const grant of existing) context.em.remove(grant);
      const now = this.clock.now();
      const created = wanted.map((grant) => {
        const entity = new ResourceGrant();
        Object.assign(entity, { id: this.ids.uuid(), organizationId, resourceId: resource.id, ...grant, grantedBy: principal.userId, createdAt: now });
        context.em.persist(entity);
        return entity;
      });
      context.record({
        type: 'resource.permissions_set',
        organizationId,
        subject: { type: 'resource', id: resource.id },
        payload: {
          grants: created.map(resourceGrantShown),
          removed: existing.length,
          // the permission-changes read model shows before and after
          before: existing.map(resourceGrantShown),
        },
      });
      return created;
    });
    await this.versions.bumpOrganization(organizationId);
    return result.map(grantView);
  }
}
