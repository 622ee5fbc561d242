import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { routeMetadata } from '../../../shared/decorators';
import { ForbiddenError } from '../../../shared/domain-error';
import type { Principal } from '../../../shared/principal';
import type { GatehouseRequest } from '../../../shared/request-context';
import { RecordAccessDeniedCommand } from '../commands/record-access-denied/record-access-denied.command';
import type { Permission } from '../domain/permissions';
import { isBuiltInRole } from '../domain/roles';
import { AbilityFactory, type AppAbility } from '../domain/ability.factory';
import { RoleCatalogue } from '../infrastructure/role-catalogue';
import { REQUIRED_PERMISSIONS, TARGET_USER_PARAM } from './require-permissions.decorator';

/**
 * Runs after authentication: checks the route's required permissions against the caller's
 * role (built-in, or the organization's custom role as it is now). An API key is held to its
 * scopes and fails closed: a route that declares no permission (one's own account, sign-out)
 * takes a signed-in session only, and a route acting on a user (@ActsOnUser) may not be
 * aimed at the key's own owner. Every refusal is recorded as an `access.denied` event.
 */
@Injectable()
export class PermissionsGuard implements CanActivate {
  private readonly logger = new Logger(PermissionsGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly abilities: AbilityFactory,
    private readonly roles: RoleCatalogue,
    private readonly commands: CommandBus,
  ) {}

  /**
   * Synchronous when it can be (a public route, a built-in role): Nest awaits only what a guard
   * answers as a promise. A request let through is marked `permitted`, so what its handler
   * refuses is recorded as a denial (DeniedActions) and what a guard refused is not recorded twice.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<GatehouseRequest>();
    if (!request.principal) return true; // public route: the authentication guard let it through
    const required = routeMetadata<Permission[]>(this.reflector, context, REQUIRED_PERMISSIONS) ?? [];
    const targetParam = routeMetadata<string>(this.reflector, context, TARGET_USER_PARAM);
    let pending: Promise<void> | undefined;
    try {
      pending = this.check(request, required, targetParam);
    } catch (error) {
      return this.refuse(request, required, error);
    }
    if (!pending) return (request.permitted = true);
    return pending.then(
      () => (request.permitted = true),
      (error: unknown) => this.refuse(request, required, error),
    );
  }

  /** Throws what it refuses; answers a promise only when it must read a custom role. */
  private check(request: GatehouseRequest, required: Permission[], targetParam: string | undefined): Promise<void> | undefined {
    const principal = request.principal!;
    if (principal.apiKeyId) {
      // a Viewer's API keys are read-only ("limited API access")
      if (principal.role === 'Viewer' && request.method !== 'GET' && request.method !== 'HEAD') {
        throw new ForbiddenError('ACCESS.READ_ONLY_KEY', 'A Viewer’s API key can only read');
      }
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
    if (!required.length) return undefined;
    // built-in roles answer from memory; a custom role as the organization has it now
    if (isBuiltInRole(principal.role)) return this.holds(this.abilities.forRole(principal.role), principal, required);
    return this.roles.abilityOf(principal.organizationId, principal.role).then((ability) => this.holds(ability, principal, required));
  }

  /** An API key may use only its scopes, and only while its owner still holds them. */
  private holds(ability: AppAbility, principal: Principal, required: Permission[]): undefined {
    const missing = required.filter((permission) => {
      const [subject, action] = permission.split(':');
      return !ability.can(action, subject) || (principal.scopes !== null && !principal.scopes.includes(permission));
    });
    if (missing.length) {
      throw new ForbiddenError('ACCESS.MISSING_PERMISSION', `This needs the permission ${missing.join(', ')}`);
    }
    return undefined;
  }

  private async refuse(request: GatehouseRequest, required: Permission[], error: unknown): Promise<never> {
    if (error instanceof ForbiddenError) await this.recordDenial(request, required, error);
    throw error;
  }

  private async recordDenial(request: GatehouseRequest, required: Permission[], error: ForbiddenError): Promise<void> {
    await this.commands
      .execute(RecordAccessDeniedCommand.of(request, required, error.code))
      .catch((failure: Error) => this.logger.error(`access.denied not recorded: ${failure.message}`));
  }
}
