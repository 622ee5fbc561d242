import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { IS_PUBLIC, READ_ALONGSIDE, routeMetadata, type AlongsideKeys } from '../../../shared/decorators';
import { DomainError } from '../../../shared/domain-error';
import type { Principal } from '../../../shared/principal';
import { actorOf, type GatehouseRequest } from '../../../shared/request-context';
import { AccessGate } from '../../access-policy';
import { API_KEY_PREFIX } from '../domain/api-key.entity';
import { ApiKeyAuthenticator } from '../infrastructure/api-key-authenticator';
import { SessionLiveness } from '../infrastructure/session-liveness';
import { VerifiedTokens } from '../infrastructure/verified-tokens';

class UnauthenticatedError extends DomainError {
  constructor() {
    super('AUTH.UNAUTHENTICATED', 'unauthenticated', 'A valid access token is required');
  }
}

/**
 * On for every route unless it is marked @Public(): verifies the bearer credential (a
 * personal API key, or an access JWT that must not have been revoked since it was issued)
 * and sets request.principal. Then the organization's IP allow-list and access windows
 * apply to the principal, JWT or API key alike, from the client address TRUST_PROXY allows:
 * lifting a restriction lets the user in on the next request, imposing one refuses it.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly liveness: SessionLiveness,
    private readonly apiKeys: ApiKeyAuthenticator,
    private readonly verified: VerifiedTokens,
    private readonly gate: AccessGate,
  ) {
    super();
  }

  /** A public route is let through synchronously: Nest awaits only what a guard answers as a promise. */
  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (routeMetadata<boolean>(this.reflector, context, IS_PUBLIC)) return true;
    return this.authenticate(context);
  }

  private async authenticate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<GatehouseRequest & { user?: Principal }>();
    const bearer = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const along = routeMetadata<AlongsideKeys>(this.reflector, context, READ_ALONGSIDE);
    if (bearer?.startsWith(API_KEY_PREFIX)) {
      const { principal, alongside } = await this.apiKeys.authenticate(bearer, actorOf(request), along && ((owner) => along(request.body, owner)));
      request.principal = principal;
      if (alongside) request.alongside = alongside;
      const admitting = this.admit(request, principal);
      if (admitting) await admitting;
      return true;
    }
    let principal = bearer ? this.verified.get(bearer) : null;
    if (!principal) {
      await (super.canActivate(context) as Promise<boolean>);
      principal = request.user ?? null;
      if (principal && bearer) this.verified.remember(bearer, principal);
    }
    if (!principal) throw new UnauthenticatedError();
    const { live, userVersion, alongside } = await this.liveness.isLive(principal, along?.(request.body, principal));
    if (!live) throw new UnauthenticatedError();
    if (alongside) request.alongside = alongside;
    // the cached principal is shared by the token's requests: the version is this request's own
    principal = { ...principal, userVersion };
    request.principal = principal;
    const admitting = this.admit(request, principal);
    if (admitting) await admitting;
    return true;
  }

  /** The gate's verdict: a promise only when it cannot answer from memory (awaited only then). */
  private admit(request: GatehouseRequest, principal: Principal): Promise<unknown> | undefined {
    const verdict = this.gate.admitRequest(
      { organizationId: principal.organizationId, userId: principal.userId, role: principal.role, ip: request.ip ?? null },
      () => actorOf(request),
    );
    return verdict instanceof Promise ? verdict : undefined;
  }

  override handleRequest<T = Principal>(error: unknown, user: T | false): T {
    if (error || !user) throw new UnauthenticatedError();
    return user;
  }
}
