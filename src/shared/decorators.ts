import { createParamDecorator, SetMetadata, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import type { Actor } from './actor';
import type { Principal } from './principal';
import { actorOf, type GatehouseRequest } from './request-context';

export const IS_PUBLIC = 'gatehouse:public';

/** Marks a route that needs no authentication; every other route does. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const THROTTLE = 'gatehouse:throttle';

/**
 * The per-address limit a public route takes (config `rateLimits`); a public route without
 * this takes `anonymous`. `none` is for what machines poll: health, metrics, JWKS.
 */
export type ThrottlePolicy = 'anonymous' | 'passwordForgot' | 'none';

export const Throttle = (policy: ThrottlePolicy) => SetMetadata(THROTTLE, policy);

export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<GatehouseRequest>().principal;
  if (!principal) throw new UnauthorizedException();
  return principal;
});

export const CurrentActor = createParamDecorator(
  (_: unknown, context: ExecutionContext): Actor => actorOf(context.switchToHttp().getRequest<GatehouseRequest>()),
);
