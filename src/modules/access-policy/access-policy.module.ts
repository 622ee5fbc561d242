import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { UpdatePoliciesHandler } from './commands/update-policies/update-policies.handler';
import { PasswordRules } from './contracts/password-rules';
import { PolicyStore } from './contracts/policy-store';
import { AbilityFactory } from './domain/ability.factory';
import { OrganizationPolicy } from './domain/organization-policy.entity';
import { PermissionsGuard } from './http/permissions.guard';
import { PoliciesController } from './http/policies.controller';

@Module({
  imports: [MikroOrmModule.forFeature([OrganizationPolicy])],
  controllers: [PoliciesController],
  providers: [AbilityFactory, PermissionsGuard, PolicyStore, PasswordRules, UpdatePoliciesHandler],
  exports: [AbilityFactory, PermissionsGuard, PolicyStore, PasswordRules],
})
export class AccessPolicyModule {}
