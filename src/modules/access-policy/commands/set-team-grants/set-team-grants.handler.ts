import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../../shared/clock';
import { InvalidInputError, NotFoundError } from '../../../../shared/domain-error';
import { IdGenerator } from '../../../../shared/ids';
import { TeamMemberships } from '../../contracts/team-memberships';
import { GrantBeyondHoldingsError } from '../../domain/access-errors';
import { grantsBeyond } from '../../domain/grant-rules';
import { grantorOf } from '../../domain/grantor';
import { Resource } from '../../domain/resource.entity';
import { ResourceGrant } from '../../domain/resource-grant.entity';
import { AuthzVersions } from '../../infrastructure/authz-versions';
import { GrantPrincipals } from '../../infrastructure/grant-principals';
import { Ports } from '../../infrastructure/ports';
import { RoleCatalogue } from '../../infrastructure/role-catalogue';
import { grantView, type GrantView } from '../../queries/resource.view';
import { SetTeamGrantsCommand } from './set-team-grants.command';

const teamGrantShown = (grant: ResourceGrant) => ({ resourceId: grant.resourceId, actions: grant.actions, expiresAt: grant.expiresAt?.toISOString() ?? null });

@CommandHandler(SetTeamGrantsCommand)
export class SetTeamGrantsHandler implements ICommandHandler<SetTeamGrantsCommand, GrantView[]> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly roles: RoleCatalogue,
    private readonly principals: GrantPrincipals,
    private readonly ports: Ports,
    private readonly versions: AuthzVersions,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: SetTeamGrantsCommand): Promise<GrantView[]> {
    const { principal } = command;
    const organizationId = principal.organizationId;
    const teamId = command.teamId.toLowerCase();
    if (!(await this.ports.get(TeamMemberships).isActiveTeam(organizationId, teamId))) throw new NotFoundError('Team');
    const grantor = grantorOf(principal, await this.roles.permissionsOf(organizationId));
    const wanted = command.grants.map((grant, index) => ({
      resourceId: grant.resourceId.toLowerCase(),
      actions: [...new Set(grant.actions)].sort(),
      expiresAt: this.principals.expiry(grant.expiresAt, `grants[${index}].expiresAt`),
    }));
    const { result } = await this.uow.run({ actor: command.actor, organizationId }, async (context) => {
      const resources = new Map(
        (await context.em.find(Resource, { id: { $in: [...new Set(wanted.map((grant) => grant.resourceId))] } })).map((resource) => [resource.id, resource]),
      );
      const missing = wanted.findIndex((grant) => !resources.has(grant.resourceId));
      if (missing >= 0) throw new InvalidInputError('GRANTS.UNKNOWN_RESOURCE', `grants[${missing}].resourceId`, `grants[${missing}].resourceId names no resource of this organization`);
      const existing = await context.em.find(ResourceGrant, { principalType: 'team', principalId: teamId });
      const typeOf = new Map((await context.em.find(Resource, { id: { $in: existing.map((grant) => grant.resourceId) } })).map((resource) => [resource.id, resource.type]));
      for (const [id, resource] of resources) typeOf.set(id, resource.type);
      const lacking = grantsBeyond(grantor, [...existing, ...wanted].map((grant) => ({ type: typeOf.get(grant.resourceId) ?? '', actions: grant.actions })));
      if (lacking.length) throw new GrantBeyondHoldingsError(lacking);
      for (const grant of existing) context.em.remove(grant);
      const now = this.clock.now();
      const created = wanted.map((grant) => {
        const entity = new ResourceGrant();
        Object.assign(entity, { id: this.ids.uuid(), organizationId, principalType: 'team', principalId: teamId, ...grant, grantedBy: principal.userId, createdAt: now });
        context.em.persist(entity);
        return entity;
      });
      context.record({
        type: 'team.permissions_set',
        organizationId,
        subject: { type: 'team', id: teamId },
        payload: {
          grants: created.map(teamGrantShown),
          removed: existing.length,
          // the permission-changes read model shows before and after
          before: existing.map(teamGrantShown),
        },
      });
      return created;
    });
    await this.versions.bumpOrganization(organizationId);
    return result.map(grantView);
  }
}
