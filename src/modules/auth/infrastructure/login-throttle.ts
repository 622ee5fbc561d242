import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../../infrastructure/config/app-config';
import { RedisService } from '../../../infrastructure/queue/redis.service';

export type ThrottleState = { locked: false } | { locked: true; retryAfterSeconds: number; scope: 'account' | 'ip' };

export interface FailureOutcome {
  failures: number;
  /** Set when this failure locked the account (or the address). */
  lockedForSeconds: number | null;
  lockScope: 'account' | 'ip' | null;
}

/**
 * Brute-force protection, shared by every instance through Redis: per account (keyed by
 * organization and the email as typed, so an unknown address locks exactly like a known
 * one and the answer reveals nothing) and per IP. Failures slow answers down step by step;
 * the fifth (by default) locks for 15 minutes, each later lock twice as long. With Redis
 * unreachable it steps aside: sign-in keeps working, unthrottled, and says so in the log.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);

  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  private get settings() {
    return this.config.values.auth.lockout;
  }

  accountKey(organizationId: string, email: string): string {
    return createHash('sha256').update(`${organizationId}\n${email.trim().toLowerCase()}`).digest('hex');
  }

  async state(account: string, ip: string | null): Promise<ThrottleState> {
    try {
      const [accountTtl, ipTtl] = await Promise.all([
        this.redis.client.pttl(this.redis.key('lock', 'account', account)),
        ip ? this.redis.client.pttl(this.redis.key('lock', 'ip', ip)) : Promise.resolve(-2),
      ]);
      if (accountTtl > 0) return { locked: true, retryAfterSeconds: Math.ceil(accountTtl / 1000), scope: 'account' };
      if (ipTtl > 0) return { locked: true, retryAfterSeconds: Math.ceil(ipTtl / 1000), scope: 'ip' };
      return { locked: false };
    } catch (error) {
      this.logger.warn(`brute-force state unavailable, not throttling: ${(error as Error).message}`);
      return { locked: false };
    }
  }

  async recordFailure(account: string, ip: string | null): Promise<FailureOutcome> {
    const s = this.settings;
    try {
      const failuresKey = this.redis.key('failures', 'account', account);
      const multi = this.redis.client.multi().incr(failuresKey).expire(failuresKey, s.failureWindowSeconds);
      if (ip) multi.incr(this.redis.key('failures', 'ip', ip)).expire(this.redis.key('failures', 'ip', ip), s.ipWindowSeconds, 'NX');
      const results = (await multi.exec()) ?? [];
      const failures = Number(results[0]?.[1] ?? 0);
      const ipFailures = ip ? Number(results[2]?.[1] ?? 0) : 0;

      if (failures % s.maxFailures === 0) {
        const lockNumber = failures / s.maxFailures;
        const seconds = Math.min(s.lockSeconds * 2 ** (lockNumber - 1), s.maxLockSeconds);
        await this.redis.client.set(this.redis.key('lock', 'account', account), '1', 'EX', seconds);
        return { failures, lockedForSeconds: seconds, lockScope: 'account' };
      }
      if (ip && ipFailures >= s.ipMaxFailures) {
        await this.redis.client.set(this.redis.key('lock', 'ip', ip), '1', 'EX', s.ipWindowSeconds);
        await this.redis.client.del(this.redis.key('failures', 'ip', ip));
        return { failures, lockedForSeconds: s.ipWindowSeconds, lockScope: 'ip' };
      }
      return { failures, lockedForSeconds: null, lockScope: null };
    } catch (error) {
      this.logger.warn(`brute-force counters unavailable: ${(error as Error).message}`);
      return { failures: 0, lockedForSeconds: null, lockScope: null };
    }
  }

  /** The progressive delay before answering a failure: a step more for each recent failure. */
  delayMs(failures: number): number {
    return Math.min(failures, this.settings.maxFailures) * this.settings.delayStepMs;
  }

  async recordSuccess(account: string): Promise<void> {
    await this.redis.client.del(this.redis.key('failures', 'account', account)).catch(() => undefined);
  }

  /** An administrator's unlock: the lock and the failure count go. */
  async unlock(account: string): Promise<boolean> {
    const removed = await this.redis.client.del(this.redis.key('lock', 'account', account), this.redis.key('failures', 'account', account));
    return removed > 0;
  }
}
