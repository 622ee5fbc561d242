import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError } from '../../../shared/domain-error';
import type { GatehouseRequest } from '../../../shared/request-context';
import { AbilityFactory } from '../domain/ability.factory';
import type { Permission } from '../domain/permissions';
import { REQUIRED_PERMISSIONS, TARGET_USER_PARAM } from './require-permissions.decorator';

/**
 * Runs after authentication: checks the route's required permissions against the caller's
 * ability. An API key is held to its scopes and fails closed: a route that declares no
 * permission (one's own account, sign-out) takes a signed-in session only, and a route
 * acting on a user (@ActsOnUser) may not be aimed at the key's own owner.
 */
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly abilities: AbilityFactory,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    const required = this.reflector.getAllAndOverride<Permission[] | undefined>(REQUIRED_PERMISSIONS, targets) ?? [];
    const targetParam = this.reflector.getAllAndOverride<string | undefined>(TARGET_USER_PARAM, targets);
    const request = context.switchToHttp().getRequest<GatehouseRequest>();
    const principal = request.principal;
    if (!principal) return true; // public route: the authentication guard let it through
    const reads = ['GET', 'HEAD'].includes(request.method);
    if (principal.apiKeyId) {
      // a Viewer's API keys are read-only ("limited API access")
      if (principal.role === 'Viewer' && !reads) throw new ForbiddenError('ACCESS.READ_ONLY_KEY', 'A Viewer’s API key can only read');
      // a key reaches only what a scope names; what names none (the owner's own account, its
      // sessions and keys, sign-out) needs a signed-in session, so a leaked key can neither
      // read the account's security data nor entrench itself
      if (!required.length) {
        throw new ForbiddenError('ACCESS.SESSION_REQUIRED', 'This needs a signed-in session; an API key cannot use it');
      }
      // nor may it reach its owner's account the back way, through the administrators' routes
      // (ids compared as PostgreSQL does: an upper-case spelling names the same user)
      const target = ((request.params ?? {}) as Record<string, string | undefined>)[targetParam ?? ''];
      if (targetParam && target?.toLowerCase() === principal.userId.toLowerCase()) {
        throw new ForbiddenError('ACCESS.KEY_OWNER_TARGET', 'An API key cannot act on its own owner’s account; sign in to do that');
      }
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
