import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../../infrastructure/config/app-config';
import { RedisService } from '../../../infrastructure/queue/redis.service';
import { RateLimits, type Limit } from '../../../infrastructure/security/rate-limits';
import type { DomainEvent } from '../../../shared/domain-event';
import { AccountLockedError } from '../domain/account-locked.error';

/**
 * What a lock covers: the account as seen from one address, the account from unknown
 * addresses, one address, the account's second factor, or a signed-in user's re-verification
 * (current password or code before a sensitive change).
 */
export type LockScope = 'account_address' | 'account' | 'ip' | 'mfa' | 'reverification';

export type Factor = 'password' | 'mfa';

export interface FailureOutcome {
  /** Recent failures on the account, from every address. */
  failures: number;
  /** Set when this failure locked something. */
  lockedForSeconds: number | null;
  lockScope: LockScope | null;
}

/** The event a failure that locked something adds to the trail, or null when it locked nothing. */
export function lockEvent(organizationId: string, userId: string | null, outcome: FailureOutcome): DomainEvent | null {
  if (!outcome.lockedForSeconds) return null;
  return {
    type: 'security.account_locked',
    organizationId,
    subject: { type: 'user', id: userId },
    payload: { scope: outcome.lockScope, lockedForSeconds: outcome.lockedForSeconds, failures: outcome.failures, severity: 'medium' },
  };
}

/** An attempt whose place in the limits is reserved: exactly one of `succeeded`, `failed` and `abandoned` settles it. */
export interface Reservation {
  succeeded(): Promise<void>;
  failed(): Promise<FailureOutcome>;
  /** The proof was never checked (the service was too busy): the attempt counts for nothing. */
  abandoned(): Promise<void>;
}

interface Check {
  limit: Limit;
  key: string;
  scope: LockScope;
  /** A lock of fixed length instead of the escalating one. */
  fixedSeconds?: number;
}

export class SignInLockedError extends AccountLockedError {
  constructor(
    retryAfterSeconds: number,
    readonly scope: LockScope,
  ) {
    super(retryAfterSeconds);
  }
}

/**
 * Brute-force protection for every proof of identity (password, MFA code), shared by all
 * instances through the rate-limit mechanism. An attempt is reserved before the proof is
 * checked, so parallel guesses get no more checks than the limit. The limits:
 * - per account and address: `maxFailures` failures lock that pair, for `lockSeconds`,
 *   doubling with each later lock up to `maxLockSeconds`;
 * - per account, across addresses: after `accountMaxFailures` the account refuses
 *   addresses it has never been signed in from, while the user's known addresses still
 *   get in (answers slow down step by step), so an attacker who knows an email cannot keep
 *   its owner out;
 * - per account, MFA codes: `mfaMaxFailures` wrong codes lock the second step; a correct
 *   password does not reset this count, only a correct code does;
 * - per address, across accounts: `ipMaxFailures` failures lock the address.
 * Accounts are keyed by organization and the email as typed, so an unknown address locks
 * exactly like a known one.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);

  constructor(
    private readonly limits: RateLimits,
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  private get settings() {
    return this.config.values.auth.lockout;
  }

  private get pair(): Limit {
    return this.limits.limit('signin-pair', { points: this.settings.maxFailures, durationSeconds: this.settings.failureWindowSeconds });
  }

  private get account(): Limit {
    return this.limits.limit('signin-account', { points: this.settings.accountMaxFailures, durationSeconds: this.settings.failureWindowSeconds });
  }

  private get mfa(): Limit {
    return this.limits.limit('signin-mfa', { points: this.settings.mfaMaxFailures, durationSeconds: this.settings.failureWindowSeconds });
  }

  private get address(): Limit {
    return this.limits.limit('signin-ip', { points: this.settings.ipMaxFailures, durationSeconds: this.settings.ipWindowSeconds });
  }

  /** How many locks a key has had recently: each one lasts twice as long as the one before. */
  private get locks(): Limit {
    return this.limits.limit('signin-locks', { points: 1_000_000, durationSeconds: this.settings.maxLockSeconds });
  }

  private get reverification(): Limit {
    return this.limits.limit('reverify', { points: this.settings.reverifyMaxFailures, durationSeconds: this.settings.failureWindowSeconds });
  }

  /** A signed-in user proving again who they are (current password, a code): a limit of its own, locking the same way. */
  async reserveReverification(userId: string): Promise<Reservation> {
    const check: Check = { limit: this.reverification, key: userId, scope: 'reverification' };
    const verdict = await check.limit.consume(userId);
    if (!verdict.allowed) throw new SignInLockedError(verdict.retryAfterSeconds, 'reverification');
    let settled = false;
    return {
      succeeded: async () => {
        if (settled) return;
        settled = true;
        await check.limit.reset(userId);
      },
      failed: async () => {
        if (settled) return { failures: 0, lockedForSeconds: null, lockScope: null };
        settled = true;
        return this.lockWhatIsSpent([{ check, consumed: verdict.consumed }]);
      },
      abandoned: async () => {
        if (settled) return;
        settled = true;
        await check.limit.refund(userId);
      },
    };
  }

  accountKey(organizationId: string, email: string): string {
    return createHash('sha256').update(`${organizationId}\n${email.trim().toLowerCase()}`).digest('hex');
  }

  private pairKey(account: string, ip: string | null): string {
    return `${account}|${ip ?? '-'}`;
  }

  private knownKey(account: string): string {
    return this.redis.key('signin-known', account);
  }

  /** Reserves one attempt, or throws SignInLockedError (429 with Retry-After) when a limit is spent. */
  async reserve(account: string, ip: string | null, factor: Factor): Promise<Reservation> {
    const known = await this.isKnown(account, ip);
    const pairKey = this.pairKey(account, ip);
    const checks: Check[] = [
      ...(ip ? [{ limit: this.address, key: ip, scope: 'ip' as const, fixedSeconds: this.settings.ipWindowSeconds }] : []),
      { limit: this.pair, key: pairKey, scope: 'account_address' },
      ...(factor === 'mfa' ? [{ limit: this.mfa, key: account, scope: 'mfa' as const }] : []),
      // the account-wide count never refuses an address the user is known to sign in from
      ...(known ? [] : [{ limit: this.account, key: account, scope: 'account' as const }]),
    ];
    const reserved: { check: Check; consumed: number }[] = [];
    for (const check of checks) {
      const verdict = await check.limit.consume(check.key);
      if (!verdict.allowed) throw new SignInLockedError(verdict.retryAfterSeconds, check.scope);
      reserved.push({ check, consumed: verdict.consumed });
    }
    let settled = false;
    return {
      succeeded: async () => {
        if (settled) return;
        settled = true;
        await Promise.all([
          this.pair.reset(pairKey),
          ip ? this.address.refund(ip) : undefined,
          known ? undefined : this.account.refund(account),
          factor === 'mfa' ? this.mfa.reset(account) : undefined,
        ]);
      },
      failed: async () => {
        if (settled) return { failures: 0, lockedForSeconds: null, lockScope: null };
        settled = true;
        if (known) {
          // a known address's failures count toward the account too; its reservation did not
          const check: Check = { limit: this.account, key: account, scope: 'account' };
          reserved.push({ check, consumed: (await this.account.consume(account)).consumed });
        }
        return this.lockWhatIsSpent(reserved);
      },
      abandoned: async () => {
        if (settled) return;
        settled = true;
        await Promise.all(reserved.map(({ check }) => check.limit.refund(check.key)));
      },
    };
  }

  /** The attempt that used a limit's last point locks it (once: later attempts were refused before the check). */
  private async lockWhatIsSpent(reserved: { check: Check; consumed: number }[]): Promise<FailureOutcome> {
    const failures = reserved.find(({ check }) => check.scope === 'account')?.consumed ?? 0;
    let outcome: FailureOutcome = { failures, lockedForSeconds: null, lockScope: null };
    for (const { check, consumed } of reserved) {
      if (consumed !== check.limit.points) continue;
      const seconds = check.fixedSeconds ?? (await this.escalatedLockSeconds(`${check.scope}|${check.key}`));
      await check.limit.block(check.key, seconds);
      if (!outcome.lockScope || check.scope !== 'ip') outcome = { failures, lockedForSeconds: seconds, lockScope: check.scope };
    }
    return outcome;
  }

  private async escalatedLockSeconds(key: string): Promise<number> {
    const verdict = await this.locks.consume(key);
    const s = this.settings;
    return Math.min(s.lockSeconds * 2 ** (verdict.consumed - 1), s.maxLockSeconds);
  }

  /** The progressive delay before answering a failure: a step more for each recent failure on the account. */
  delayMs(failures: number): number {
    return Math.min(failures, this.settings.maxFailures) * this.settings.delayStepMs;
  }

  /** A full sign-in from `ip`: later failures from elsewhere will not keep this address out. */
  async rememberAddress(account: string, ip: string | null): Promise<void> {
    if (!ip) return;
    const key = this.knownKey(account);
    await this.redis.client
      .multi()
      .sadd(key, ip)
      .expire(key, this.settings.knownAddressDays * 86400)
      .exec()
      .catch((error: Error) => this.logger.warn(`known address not remembered: ${error.message}`));
  }

  private async isKnown(account: string, ip: string | null): Promise<boolean> {
    if (!ip) return false;
    return this.redis.client
      .sismember(this.knownKey(account), ip)
      .then((member) => member === 1)
      .catch(() => false);
  }

  /** When the account is locked for `ip` (for the sign-in diagnosis and the pages), or null. */
  async lockedFor(account: string, ip: string | null): Promise<{ retryAfterSeconds: number; scope: LockScope } | null> {
    const known = await this.isKnown(account, ip);
    const checks: [Limit, string, LockScope][] = [
      [this.pair, this.pairKey(account, ip), 'account_address'],
      ...(known ? [] : [[this.account, account, 'account'] as [Limit, string, LockScope]]),
      [this.mfa, account, 'mfa'],
    ];
    for (const [limit, key, scope] of checks) {
      const exhausted = await limit.exhausted(key);
      if (exhausted) return { ...exhausted, scope };
    }
    return null;
  }

  /** An administrator's unlock: every lock and failure count of the account goes, from every address. */
  async unlock(account: string): Promise<boolean> {
    const pattern = `${this.redis.key('rl', 'signin-pair')}:${account}|*`;
    const pairKeys: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      pairKeys.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    const pairUses = pairKeys.length ? await this.redis.client.mget(...pairKeys) : [];
    const locked =
      pairUses.some((used) => Number(used) >= this.settings.maxFailures) ||
      (await this.account.exhausted(account)) !== null ||
      (await this.mfa.exhausted(account)) !== null;
    await Promise.all([this.account.reset(account), this.mfa.reset(account), pairKeys.length ? this.redis.client.del(...pairKeys) : undefined]);
    return locked;
  }
}
