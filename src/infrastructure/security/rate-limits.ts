import { Injectable, Logger } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RedisService } from '../queue/redis.service';

export interface LimitSpec {
  /** How many attempts a key gets… */
  points: number;
  /** …per this many seconds. */
  durationSeconds: number;
}

export type Verdict =
  | { allowed: true; consumed: number; remaining: number }
  | { allowed: false; consumed: number; retryAfterSeconds: number };

/**
 * One named limit (e.g. password failures per account and address). `consume` reserves an
 * attempt atomically in Redis before the work it guards is done, so parallel requests get
 * no more attempts than the limit; `block` holds a key shut for a time (a lockout).
 */
export class Limit {
  constructor(
    readonly name: string,
    private readonly limiter: RateLimiterRedis,
    private readonly logger: Logger,
  ) {}

  get points(): number {
    return this.limiter.points;
  }

  /** How long a key's count lasts from its first use. */
  get durationSeconds(): number {
    return this.limiter.duration;
  }

  /**
   * The Redis key `key`'s count is kept under, for a caller that consumes or settles several
   * limits in one script (one round trip) the way `consume` and `refund` do: an integer that
   * `SET … EX duration NX` starts at 0 and `INCRBY` moves, a block being a count past `points`.
   */
  storageKey(key: string): string {
    return this.limiter.getKey(key);
  }

  async consume(key: string, points = 1): Promise<Verdict> {
    try {
      const res = await this.limiter.consume(key, points);
      return { allowed: true, consumed: res.consumedPoints, remaining: res.remainingPoints };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        return { allowed: false, consumed: rejection.consumedPoints, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      }
      throw rejection;
    }
  }

  /** How much of the limit a key has used, without using any. */
  async peek(key: string): Promise<{ consumed: number; retryAfterSeconds: number } | null> {
    const res = await this.limiter.get(key);
    return res ? { consumed: res.consumedPoints, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) } : null;
  }

  /** Set when the next attempt would be refused. */
  async exhausted(key: string): Promise<{ retryAfterSeconds: number } | null> {
    const used = await this.peek(key);
    return used && used.consumed >= this.points ? { retryAfterSeconds: used.retryAfterSeconds } : null;
  }

  /** Gives back a reserved attempt (the attempt succeeded). */
  async refund(key: string): Promise<void> {
    await this.limiter.reward(key, 1).catch((error: Error) => this.logger.warn(`${this.name}: refund failed: ${error.message}`));
  }

  async block(key: string, seconds: number): Promise<void> {
    await this.limiter.block(key, seconds);
  }

  async reset(key: string): Promise<boolean> {
    return this.limiter.delete(key).catch(() => false);
  }
}

/**
 * The one rate-limit mechanism (rate-limiter-flexible on the shared Redis): sign-in
 * lockout, re-verification, anonymous routes and API keys all take their limits here, so
 * every instance counts together. While Redis is unreachable each limit falls back to an
 * in-process count of the same size: protection weakens to per instance, never to none.
 */
@Injectable()
export class RateLimits {
  private readonly logger = new Logger(RateLimits.name);
  private readonly limits = new Map<string, Limit>();

  constructor(private readonly redis: RedisService) {}

  /**
   * For noise that must not fill the audit trail (refused attempts): counts `key`'s
   * occurrences in a window and answers the count when it is 1, 10, 100, … — the moments
   * worth one event that says how many — and null otherwise.
   */
  async sample(name: string, key: string, windowSeconds: number): Promise<number | null> {
    const verdict = await this.limit(`sample-${name}`, { points: 1_000_000_000, durationSeconds: windowSeconds })
      .consume(key)
      .catch(() => null);
    return verdict && /^10*$/.test(String(verdict.consumed)) ? verdict.consumed : null;
  }

  limit(name: string, spec: LimitSpec): Limit {
    const id = `${name}:${spec.points}:${spec.durationSeconds}`;
    let limit = this.limits.get(id);
    if (!limit) {
      const options = { keyPrefix: this.redis.key('rl', name), points: spec.points, duration: spec.durationSeconds };
      const limiter = new RateLimiterRedis({
        ...options,
        storeClient: this.redis.client,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(options),
      });
      limit = new Limit(name, limiter, this.logger);
      this.limits.set(id, limit);
    }
    return limit;
  }
}
