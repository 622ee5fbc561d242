import { Module } from '@nestjs/common';
import { AbilityFactory } from './domain/ability.factory';
import { PermissionsGuard } from './http/permissions.guard';

@Module({
  providers: [AbilityFactory, PermissionsGuard],
  exports: [AbilityFactory, PermissionsGuard],
})
export class AccessPolicyModule {}
