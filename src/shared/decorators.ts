import { createParamDecorator, SetMetadata, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
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

const routeMetadataCache = new WeakMap<object, WeakMap<object, Map<string, unknown>>>();

/**
 * A route's metadata as `reflector.getAllAndOverride(key, [handler, class])` answers it, read
 * once per route: the global guards ask on every request, and a route's decorators do not change.
 */
export function routeMetadata<T>(reflector: Reflector, context: ExecutionContext, key: string): T | undefined {
  const handler = context.getHandler();
  const type = context.getClass();
  let byHandler = routeMetadataCache.get(type);
  if (!byHandler) routeMetadataCache.set(type, (byHandler = new WeakMap()));
  let values = byHandler.get(handler);
  if (!values) byHandler.set(handler, (values = new Map<string, unknown>()));
  if (!values.has(key)) values.set(key, reflector.getAllAndOverride<T | undefined>(key, [handler, type]));
  return values.get(key) as T | undefined;
}
