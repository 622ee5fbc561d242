import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC, routeMetadata, THROTTLE, type ThrottlePolicy } from '../../shared/decorators';
import { DomainError } from '../../shared/domain-error';
import type { GatehouseRequest } from '../../shared/request-context';
import { AppConfig } from '../config/app-config';
import { RateLimits, RefusalSampler, type Limit } from './rate-limits';

export class TooManyRequestsError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('COMMON.RATE_LIMITED', 'too_many_requests', 'Too many requests from your address; try again later', [], retryAfterSeconds);
  }
}

/**
 * Every unauthenticated route is limited per client address (the one TRUST_PROXY allows)
 * before any work is done, so an anonymous flood gets 429s instead of reaching the database
 * or an organization's audit trail. An address Redis refused is refused from memory until its
 * window ends (the count only grows until then), so a flood past the limit costs no round
 * trip per request; refusals are counted in the log by sample, not per request.
 */
@Injectable()
export class AnonymousThrottleGuard implements CanActivate {
  private readonly logger = new Logger(AnonymousThrottleGuard.name);
  private readonly refusals: RefusalSampler;

  constructor(
    private readonly reflector: Reflector,
    private readonly limits: RateLimits,
    private readonly config: AppConfig,
  ) {
    this.refusals = new RefusalSampler(config.values.rateLimits.refusalSampleSeconds);
  }

  /** Synchronous for what is not throttled (authenticated routes, `none`): Nest awaits only promises. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (!routeMetadata<boolean>(this.reflector, context, IS_PUBLIC)) return true;
    const policy = routeMetadata<ThrottlePolicy>(this.reflector, context, THROTTLE) ?? 'anonymous';
    if (policy === 'none') return true;
    const address = context.switchToHttp().getRequest<GatehouseRequest>().ip ?? 'unknown';
    const refusedFor = this.refusedLocally(policy, address);
    if (refusedFor !== null) throw new TooManyRequestsError(refusedFor);
    return this.throttle(policy, address);
  }

  /**
   * Whole seconds `address` is still refused for by `policy`'s limit, known without Redis (it
   * refused the address earlier in the window), or null. Counted as a refusal when it is one:
   * a route's hook that answers the 429 itself, before the body is read, asks here.
   */
  refusedLocally(policy: Exclude<ThrottlePolicy, 'none'>, address: string): number | null {
    const refusedFor = this.limit(policy).refusedLocally(address);
    if (refusedFor !== null) this.refused(policy, address);
    return refusedFor;
  }

  private async throttle(policy: Exclude<ThrottlePolicy, 'none'>, address: string): Promise<boolean> {
    const verdict = await this.limit(policy).consume(address);
    if (verdict.allowed) return true;
    this.refused(policy, address);
    throw new TooManyRequestsError(verdict.retryAfterSeconds);
  }

  private limit(policy: Exclude<ThrottlePolicy, 'none'>): Limit {
    return this.limits.limit(`anon-${policy}`, this.config.values.rateLimits[policy], { rememberRefusals: true });
  }

  private refused(policy: string, address: string): void {
    const refused = this.refusals.count(`${policy}|${address}`);
    if (refused !== null) this.logger.warn(`${refused} anonymous request(s) refused by the ${policy} limit from ${address} in this instance`);
  }
}
