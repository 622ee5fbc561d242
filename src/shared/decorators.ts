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

export const READ_ALONGSIDE = 'gatehouse:read-alongside';

/**
 * The Redis keys (as `RedisService.key` parts) a route is about to read for this request,
 * from the raw body (not yet validated: only ever used to name keys) and the principal.
 */
export type AlongsideKeys = (body: unknown, principal: AlongsideCaller) => readonly (readonly string[])[];

/** What naming the keys may use of the caller: who and where, known before the credential's checks end (an API key's owner, read from the key). */
export type AlongsideCaller = Pick<Principal, 'userId' | 'organizationId'>;

/**
 * Authentication reads these keys in the same round trip as the credential's revocation
 * check and leaves what it read on the request (`@Alongside()`); a handler uses it instead
 * of reading them itself, one round trip fewer. Read a moment earlier in the same request,
 * they are as current as the handler's own read would be.
 */
export const ReadAlongside = (keys: AlongsideKeys) => SetMetadata(READ_ALONGSIDE, keys);

/** What authentication read for `@ReadAlongside` (full key → value), or undefined when it did not. */
export const Alongside = createParamDecorator(
  (_: unknown, context: ExecutionContext): ReadonlyMap<string, string | null> | undefined => context.switchToHttp().getRequest<GatehouseRequest>().alongside,
);
