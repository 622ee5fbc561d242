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
  /**
   * `rememberAddress`: the sign-in completed, so its address becomes known to the account
   * (`LoginThrottle.rememberAddress`), in the settlement's round trip.
   */
  succeeded(options?: { rememberAddress?: boolean }): Promise<void>;
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

/**
 * A sign-in's reservation in one round trip, the same steps `Limit.consume` takes one call
 * each: is the address known to the account (SISMEMBER KEYS[1] ARGV[1]), then each limit in
 * order (KEYS[2..], ARGV triples: points, seconds, skipped when the address is known),
 * stopping at the first one that refuses. Answers the known flag, then consumed and
 * milliseconds left for each limit taken.
 */
const RESERVE_SCRIPT = `
local known = 0
if ARGV[1] ~= '' then known = redis.call('sismember', KEYS[1], ARGV[1]) end
local out = { known }
for i = 2, #KEYS do
  local at = 2 + (i - 2) * 3
  local points, seconds = tonumber(ARGV[at]), ARGV[at + 1]
  if not (ARGV[at + 2] == '1' and known == 1) then
    redis.call('set', KEYS[i], 0, 'EX', seconds, 'NX')
    local consumed = redis.call('incrby', KEYS[i], 1)
    local ttl = redis.call('pttl', KEYS[i])
    if ttl == -1 then
      redis.call('expire', KEYS[i], seconds)
      ttl = 1000 * seconds
    end
    out[#out + 1] = consumed
    out[#out + 1] = ttl
    if consumed > points then return out end
  end
end
return out`;

/**
 * A successful attempt's settlement in one round trip: ARGV[1] limit keys (KEYS[1..n]), each
 * with an ARGV pair 'reset' (DEL) or 'refund' (the limiter's reward: INCRBY -1), seconds; then,
 * when a sign-in completed, the account's known addresses (KEYS[n + 1]) take the address and
 * their expiry (the two ARGV after the pairs), as `rememberAddress` does.
 */
const SETTLE_SCRIPT = `
local n = tonumber(ARGV[1])
if #KEYS > n then
  redis.call('sadd', KEYS[n + 1], ARGV[n * 2 + 2])
  redis.call('expire', KEYS[n + 1], ARGV[n * 2 + 3])
end
for i = 1, n do
  local op, seconds = ARGV[i * 2], ARGV[i * 2 + 1]
  if op == 'reset' then
    redis.call('del', KEYS[i])
  else
    redis.call('set', KEYS[i], 0, 'EX', seconds, 'NX')
    redis.call('incrby', KEYS[i], -1)
    if redis.call('pttl', KEYS[i]) == -1 then redis.call('expire', KEYS[i], seconds) end
  end
end
return n`;

interface SignInScripts {
  gatehouseSignInReserve(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<number[]>;
  gatehouseSignInSettle(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>;
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
  ) {
    // EVALSHA, loading the script once per connection when Redis does not know it
    redis.client.defineCommand('gatehouseSignInReserve', { lua: RESERVE_SCRIPT });
    redis.client.defineCommand('gatehouseSignInSettle', { lua: SETTLE_SCRIPT });
  }

  private get scripts(): SignInScripts {
    return this.redis.client as unknown as SignInScripts;
  }

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

  /**
   * Reserves one attempt, or throws SignInLockedError (429 with Retry-After) when a limit is
   * spent. The limits in order: the address, the account from this address, the second
   * factor, and the account from anywhere — which never refuses an address the user is known
   * to sign in from. One script, one round trip; while Redis cannot run it, the limits one
   * by one (each falling back to its in-process count).
   */
  async reserve(account: string, ip: string | null, factor: Factor): Promise<Reservation> {
    const pairKey = this.pairKey(account, ip);
    const checks: Check[] = [
      ...(ip ? [{ limit: this.address, key: ip, scope: 'ip' as const, fixedSeconds: this.settings.ipWindowSeconds }] : []),
      { limit: this.pair, key: pairKey, scope: 'account_address' },
      ...(factor === 'mfa' ? [{ limit: this.mfa, key: account, scope: 'mfa' as const }] : []),
      { limit: this.account, key: account, scope: 'account' },
    ];
    const { known, reserved } = (await this.reserveAtOnce(account, ip, checks)) ?? (await this.reserveStepByStep(account, ip, checks));
    let settled = false;
    return {
      succeeded: async ({ rememberAddress = false } = {}) => {
        if (settled) return;
        settled = true;
        const settlement: [Limit, string, 'reset' | 'refund'][] = [
          [this.pair, pairKey, 'reset'],
          ...(ip ? [[this.address, ip, 'refund'] as [Limit, string, 'refund']] : []),
          ...(known ? [] : [[this.account, account, 'refund'] as [Limit, string, 'refund']]),
          ...(factor === 'mfa' ? [[this.mfa, account, 'reset'] as [Limit, string, 'reset']] : []),
        ];
        await this.settle(settlement, rememberAddress && ip ? { account, ip } : null);
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

  /** The reservation's script; null when Redis cannot run it now (the caller takes the limits one by one). */
  private async reserveAtOnce(account: string, ip: string | null, checks: Check[]): Promise<{ known: boolean; reserved: { check: Check; consumed: number }[] } | null> {
    if (this.redis.client.status !== 'ready') return null;
    const keys = [this.knownKey(account), ...checks.map(({ limit, key }) => limit.storageKey(key))];
    const args = [ip ?? '', ...checks.flatMap(({ limit, scope }) => [limit.points, limit.durationSeconds, scope === 'account' ? 1 : 0])];
    let answer: number[];
    try {
      answer = await this.scripts.gatehouseSignInReserve(keys.length, ...keys, ...args);
    } catch (error) {
      this.logger.warn(`sign-in reservation script failed, taking the limits one by one: ${(error as Error).message}`);
      return null;
    }
    const known = answer[0] === 1;
    const taken = known ? checks.filter(({ scope }) => scope !== 'account') : checks;
    const reserved: { check: Check; consumed: number }[] = [];
    for (let i = 0; 1 + i * 2 < answer.length; i++) {
      const check = taken[i];
      const [consumed, ttl] = [Number(answer[1 + i * 2]), Number(answer[2 + i * 2])];
      if (consumed > check.limit.points) throw new SignInLockedError(Math.max(1, Math.ceil(ttl / 1000)), check.scope);
      reserved.push({ check, consumed });
    }
    return { known, reserved };
  }

  private async reserveStepByStep(account: string, ip: string | null, checks: Check[]): Promise<{ known: boolean; reserved: { check: Check; consumed: number }[] }> {
    const known = await this.isKnown(account, ip);
    const reserved: { check: Check; consumed: number }[] = [];
    for (const check of known ? checks.filter(({ scope }) => scope !== 'account') : checks) {
      const verdict = await check.limit.consume(check.key);
      if (!verdict.allowed) throw new SignInLockedError(verdict.retryAfterSeconds, check.scope);
      reserved.push({ check, consumed: verdict.consumed });
    }
    return { known, reserved };
  }

  /**
   * A success's resets and refunds, and the address it makes known (`remember`), in one round
   * trip; one call each while Redis cannot run the script.
   */
  private async settle(settlement: [Limit, string, 'reset' | 'refund'][], remember: { account: string; ip: string } | null): Promise<void> {
    if (this.redis.client.status === 'ready') {
      const keys = [...settlement.map(([limit, key]) => limit.storageKey(key)), ...(remember ? [this.knownKey(remember.account)] : [])];
      const args = [settlement.length, ...settlement.flatMap(([limit, , op]) => [op, limit.durationSeconds]), ...(remember ? [remember.ip, this.knownAddressSeconds] : [])];
      try {
        await this.scripts.gatehouseSignInSettle(keys.length, ...keys, ...args);
        return;
      } catch (error) {
        this.logger.warn(`sign-in settlement script failed, settling one by one: ${(error as Error).message}`);
      }
    }
    await Promise.all([
      ...settlement.map(([limit, key, op]) => (op === 'reset' ? limit.reset(key) : limit.refund(key))),
      ...(remember ? [this.rememberAddress(remember.account, remember.ip)] : []),
    ]);
  }

  private get knownAddressSeconds(): number {
    return this.settings.knownAddressDays * 86400;
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
      .expire(key, this.knownAddressSeconds)
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
