import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { UpdatePoliciesHandler } from './commands/update-policies/update-policies.handler';
import { AccessGate } from './contracts/access-gate';
import { PasswordRules } from './contracts/password-rules';
import { TeamMemberships } from './contracts/team-memberships';
import { PolicyStore } from './contracts/policy-store';
import { AbilityFactory } from './domain/ability.factory';
import { OrganizationPolicy } from './domain/organization-policy.entity';
import { PermissionsGuard } from './http/permissions.guard';
import { PoliciesController } from './http/policies.controller';

@Module({
  imports: [MikroOrmModule.forFeature([OrganizationPolicy])],
  controllers: [PoliciesController],
  providers: [AbilityFactory, PermissionsGuard, PolicyStore, PasswordRules, UpdatePoliciesHandler, TeamMemberships, AccessGate],
  exports: [AbilityFactory, PermissionsGuard, PolicyStore, PasswordRules, TeamMemberships, AccessGate],
})
export class AccessPolicyModule {}
