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

/** Keys a limit remembers as refused at most: an address flood cannot grow it without bound. */
const MAX_REMEMBERED_REFUSALS = 10_000;

/**
 * The keys Redis refused, until their window ends: a fixed window's count only grows until its
 * key expires, so until then Redis would refuse again and the answer is known without asking.
 * Only for limits nobody resets early (an unlock would not reach the other instances' memory).
 */
export class RefusalMemory {
  private readonly until = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  remember(key: string, retryAfterMs: number): void {
    this.until.delete(key);
    if (this.until.size >= MAX_REMEMBERED_REFUSALS) this.until.delete(this.until.keys().next().value as string);
    this.until.set(key, this.now() + retryAfterMs);
  }

  /** Whole seconds until `key`'s remembered refusal ends, or null when none holds. */
  refusedFor(key: string): number | null {
    const until = this.until.get(key);
    if (until === undefined) return null;
    const left = until - this.now();
    if (left <= 0) {
      this.until.delete(key);
      return null;
    }
    return Math.max(1, Math.ceil(left / 1000));
  }
}

/**
 * Counts refusals in this process, per key and window, and answers the count when it is 1, 10,
 * 100, … — the moments worth one log line that says how many — and null otherwise: the same rule
 * as `RateLimits.sample` without a round trip, for refusals that must cost next to nothing.
 */
export class RefusalSampler {
  private readonly counts = new Map<string, number>();
  private windowEnds = 0;

  constructor(
    private readonly windowSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  count(key: string): number | null {
    const now = this.now();
    if (now >= this.windowEnds) {
      this.counts.clear();
      this.windowEnds = now + this.windowSeconds * 1000;
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    if (count === 1 && this.counts.size >= MAX_REMEMBERED_REFUSALS) return null;
    this.counts.set(key, count);
    return isPowerOfTen(count) ? count : null;
  }
}

function isPowerOfTen(n: number): boolean {
  while (n >= 10 && n % 10 === 0) n /= 10;
  return n === 1;
}

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
    private readonly refusals: RefusalMemory | null = null,
  ) {}

  /**
   * Whole seconds a key Redis refused is still refused for, answered from memory (no round
   * trip), or null; always null for a limit that does not remember its refusals.
   */
  refusedLocally(key: string): number | null {
    return this.refusals?.refusedFor(key) ?? null;
  }

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
    const remembered = this.refusedLocally(key);
    if (remembered !== null) return { allowed: false, consumed: this.points + points, retryAfterSeconds: remembered };
    try {
      const res = await this.limiter.consume(key, points);
      return { allowed: true, consumed: res.consumedPoints, remaining: res.remainingPoints };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        this.refusals?.remember(key, rejection.msBeforeNext);
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

  /**
   * `rememberRefusals`: refuse a key Redis refused from memory until its window ends (RefusalMemory),
   * for limits nobody resets early, such as the anonymous per-address ones.
   */
  limit(name: string, spec: LimitSpec, { rememberRefusals = false }: { rememberRefusals?: boolean } = {}): Limit {
    const id = `${name}:${spec.points}:${spec.durationSeconds}:${rememberRefusals}`;
    let limit = this.limits.get(id);
    if (!limit) {
      const options = { keyPrefix: this.redis.key('rl', name), points: spec.points, duration: spec.durationSeconds };
      const limiter = new RateLimiterRedis({
        ...options,
        storeClient: this.redis.client,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(options),
      });
      limit = new Limit(name, limiter, this.logger, rememberRefusals ? new RefusalMemory() : null);
      this.limits.set(id, limit);
    }
    return limit;
  }
}
