import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC, routeMetadata, THROTTLE, type ThrottlePolicy } from '../../shared/decorators';
import { DomainError } from '../../shared/domain-error';
import type { GatehouseRequest } from '../../shared/request-context';
import { AppConfig } from '../config/app-config';
import { RateLimits } from './rate-limits';

export class TooManyRequestsError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('COMMON.RATE_LIMITED', 'too_many_requests', 'Too many requests from your address; try again later', [], retryAfterSeconds);
  }
}

/**
 * Every unauthenticated route is limited per client address (the one TRUST_PROXY allows)
 * before any work is done, so an anonymous flood gets 429s instead of reaching the database
 * or an organization's audit trail. Refusals are counted in the log by sample, not per request.
 */
@Injectable()
export class AnonymousThrottleGuard implements CanActivate {
  private readonly logger = new Logger(AnonymousThrottleGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly limits: RateLimits,
    private readonly config: AppConfig,
  ) {}

  /** Synchronous for what is not throttled (authenticated routes, `none`): Nest awaits only promises. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (!routeMetadata<boolean>(this.reflector, context, IS_PUBLIC)) return true;
    const policy = routeMetadata<ThrottlePolicy>(this.reflector, context, THROTTLE) ?? 'anonymous';
    if (policy === 'none') return true;
    return this.throttle(context, policy);
  }

  private async throttle(context: ExecutionContext, policy: Exclude<ThrottlePolicy, 'none'>): Promise<boolean> {
    const address = context.switchToHttp().getRequest<GatehouseRequest>().ip ?? 'unknown';
    const verdict = await this.limits.limit(`anon-${policy}`, this.config.values.rateLimits[policy]).consume(address);
    if (verdict.allowed) return true;
    const refused = await this.limits.sample(`anon-${policy}`, address, this.config.values.rateLimits.refusalSampleSeconds);
    if (refused !== null) this.logger.warn(`${refused} anonymous request(s) refused by the ${policy} limit from ${address}`);
    throw new TooManyRequestsError(verdict.retryAfterSeconds);
  }
}
