import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError } from '../../../shared/domain-error';
import type { GatehouseRequest } from '../../../shared/request-context';
import { AbilityFactory } from '../domain/ability.factory';
import type { Permission } from '../domain/permissions';
import { PLATFORM_OPERATOR_ONLY, REQUIRED_PERMISSIONS } from './require-permissions.decorator';

/** Runs after authentication: checks the route's required permissions against the caller's ability. */
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly abilities: AbilityFactory,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    const required = this.reflector.getAllAndOverride<Permission[] | undefined>(REQUIRED_PERMISSIONS, targets) ?? [];
    const operatorOnly = this.reflector.getAllAndOverride<boolean | undefined>(PLATFORM_OPERATOR_ONLY, targets);
    const request = context.switchToHttp().getRequest<GatehouseRequest>();
    const principal = request.principal;
    if (!principal) return true; // public route: the authentication guard let it through
    if (operatorOnly && !principal.platformOperator) {
      throw new ForbiddenError('ACCESS.PLATFORM_OPERATOR_ONLY', 'Only platform operators may do this');
    }
    const reads = ['GET', 'HEAD'].includes(request.method);
    // a Viewer's API keys are read-only ("limited API access")
    if (principal.apiKeyId && principal.role === 'Viewer' && !reads) {
      throw new ForbiddenError('ACCESS.READ_ONLY_KEY', 'A Viewer’s API key can only read');
    }
    // a key changes only what its scopes name: the account's own settings (profile, MFA,
    // keys, sessions) need a signed-in session, so a leaked key cannot entrench itself
    if (principal.apiKeyId && !reads && !required.length) {
      throw new ForbiddenError('ACCESS.SESSION_REQUIRED', 'Sign in to change your own account; an API key cannot');
    }
    // an API key may use only its scopes, and only while its owner still holds them
    const missing = required.filter(
      (permission) => !this.abilities.can(principal, permission) || (principal.scopes !== null && !principal.scopes.includes(permission)),
    );
    if (missing.length) {
      throw new ForbiddenError('ACCESS.MISSING_PERMISSION', `This needs the permission ${missing.join(', ')}`);
    }
    return true;
  }
}
