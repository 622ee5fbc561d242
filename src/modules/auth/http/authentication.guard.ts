import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { IS_PUBLIC, READ_ALONGSIDE, type AlongsideKeys } from '../../../shared/decorators';
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

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<GatehouseRequest & { user?: Principal }>();
    const bearer = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer?.startsWith(API_KEY_PREFIX)) {
      request.principal = await this.apiKeys.authenticate(bearer, actorOf(request));
      await this.admit(request, request.principal);
      return true;
    }
    let principal = bearer ? this.verified.get(bearer) : null;
    if (!principal) {
      await (super.canActivate(context) as Promise<boolean>);
      principal = request.user ?? null;
      if (principal && bearer) this.verified.remember(bearer, principal);
    }
    if (!principal) throw new UnauthenticatedError();
    const along = this.reflector.get<AlongsideKeys | undefined>(READ_ALONGSIDE, context.getHandler());
    const { live, userVersion, alongside } = await this.liveness.isLive(principal, along?.(request.body, principal));
    if (!live) throw new UnauthenticatedError();
    if (alongside) request.alongside = alongside;
    // the cached principal is shared by the token's requests: the version is this request's own
    principal = { ...principal, userVersion };
    request.principal = principal;
    await this.admit(request, principal);
    return true;
  }

  private async admit(request: GatehouseRequest, principal: Principal): Promise<void> {
    await this.gate.admit(
      actorOf(request),
      { organizationId: principal.organizationId, userId: principal.userId, role: principal.role, ip: request.ip ?? null },
      'request',
    );
  }

  override handleRequest<T = Principal>(error: unknown, user: T | false): T {
    if (error || !user) throw new UnauthenticatedError();
    return user;
  }
}
