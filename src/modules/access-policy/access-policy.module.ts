import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { CreateRoleHandler } from './commands/create-role/create-role.handler';
import { DeleteResourceHandler } from './commands/delete-resource/delete-resource.handler';
import { DeleteRoleHandler } from './commands/delete-role/delete-role.handler';
import { RecordAccessDeniedHandler } from './commands/record-access-denied/record-access-denied.handler';
import { RegisterResourceHandler } from './commands/register-resource/register-resource.handler';
import { SetResourceGrantsHandler } from './commands/set-resource-grants/set-resource-grants.handler';
import { SetTeamGrantsHandler } from './commands/set-team-grants/set-team-grants.handler';
import { UpdatePoliciesHandler } from './commands/update-policies/update-policies.handler';
import { AccessGate } from './contracts/access-gate';
import { UpdateResourceHandler } from './commands/update-resource/update-resource.handler';
import { UpdateRoleHandler } from './commands/update-role/update-role.handler';
import { PasswordRules } from './contracts/password-rules';
import { PolicyStore } from './contracts/policy-store';
import { AbilityFactory } from './domain/ability.factory';
import { CustomRole } from './domain/custom-role.entity';
import { OrganizationPolicy } from './domain/organization-policy.entity';
import { Resource } from './domain/resource.entity';
import { ResourceGrant } from './domain/resource-grant.entity';
import { AuthzController } from './http/authz.controller';
import { PermissionsGuard } from './http/permissions.guard';
import { RefusalObserver } from '../../shared/problem-details.filter';
import { DeniedActions } from './http/denied-actions';
import { PoliciesController } from './http/policies.controller';
import { ResourcesController } from './http/resources.controller';
import { RolesController } from './http/roles.controller';
import { Abilities } from './infrastructure/abilities';
import { AuthzVersions } from './infrastructure/authz-versions';
import { DecisionPolicies } from './infrastructure/decision-policies';
import { GrantPrincipals } from './infrastructure/grant-principals';
import { Ports } from './infrastructure/ports';
import { RoleCatalogue } from './infrastructure/role-catalogue';
import { DecideHandler } from './queries/decide/decide.handler';
import { GetResourceHandler } from './queries/get-resource/get-resource.handler';
import { ListTeamGrantsHandler } from './queries/list-grants/list-team-grants.handler';
import { ListResourcesHandler } from './queries/list-resources/list-resources.handler';
import { ListRolesHandler } from './queries/list-roles/list-roles.handler';

/** Issue 12: custom roles, resources and grants, one ability per user, the decision API. */
const AUTHORIZATION = [
  Abilities,
  AuthzVersions,
  DecisionPolicies,
  GrantPrincipals,
  Ports,
  RoleCatalogue,
  RecordAccessDeniedHandler,
  CreateRoleHandler,
  UpdateRoleHandler,
  DeleteRoleHandler,
  RegisterResourceHandler,
  UpdateResourceHandler,
  DeleteResourceHandler,
  SetResourceGrantsHandler,
  SetTeamGrantsHandler,
  DecideHandler,
  GetResourceHandler,
  ListResourcesHandler,
  ListRolesHandler,
  ListTeamGrantsHandler,
];

@Module({
  imports: [MikroOrmModule.forFeature([OrganizationPolicy, CustomRole, Resource, ResourceGrant])],
  controllers: [PoliciesController, RolesController, ResourcesController, AuthzController],
  providers: [AbilityFactory, PermissionsGuard, DeniedActions, { provide: RefusalObserver, useExisting: DeniedActions }, PolicyStore, PasswordRules, UpdatePoliciesHandler, ...AUTHORIZATION, AccessGate],
  exports: [AbilityFactory, PermissionsGuard, DeniedActions, RefusalObserver, PolicyStore, PasswordRules, Abilities, AuthzVersions, RoleCatalogue, Ports, AccessGate],
})
export class AccessPolicyModule {}
