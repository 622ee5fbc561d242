import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { IS_PUBLIC } from '../../../shared/decorators';
import { DomainError } from '../../../shared/domain-error';
import type { Principal } from '../../../shared/principal';
import type { GatehouseRequest } from '../../../shared/request-context';

/** On for every route unless it is marked @Public(): establishes request.principal. */
@Injectable()
export class AuthenticationGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    await (super.canActivate(context) as Promise<boolean>);
    const request = context.switchToHttp().getRequest<GatehouseRequest & { user?: Principal }>();
    request.principal = request.user;
    return true;
  }

  override handleRequest<T = Principal>(error: unknown, user: T | false): T {
    if (error || !user) {
      throw new DomainError('AUTH.UNAUTHENTICATED', 'unauthenticated', 'A valid access token is required');
    }
    return user;
  }
}
