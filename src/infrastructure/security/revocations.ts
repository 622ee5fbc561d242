import { Injectable } from '@nestjs/common';
import { RedisService } from '../queue/redis.service';
import { UserVersions } from './user-versions';

/** Longest an access token can live; revocation marks outlast every token they apply to. */
const MARK_TTL_SECONDS = 24 * 3600;

export type RevocationCheck = 'valid' | 'revoked' | 'unknown';

/** The verdict, and the user's version read in the same round trip (null: none, or not read). */
export interface RevocationAnswer {
  verdict: RevocationCheck;
  userVersion: string | null;
  /** The `alongside` keys' values by full key, read in the same MGET (absent when Redis could not answer). */
  alongside?: Map<string, string | null>;
}

/**
 * Revocations every instance sees on the very next request: a mark per revoked session,
 * and per user a "not before" time that voids every token issued earlier (deactivation,
 * role change, password change). Kept in Redis, never in process memory.
 */
@Injectable()
export class Revocations {
  constructor(
    private readonly redis: RedisService,
    private readonly versions: UserVersions,
  ) {}

  async revokeSession(sessionId: string): Promise<void> {
    await this.redis.client.set(this.redis.key('revoked', 'session', sessionId), '1', 'EX', MARK_TTL_SECONDS);
  }

  /** Voids the user’s tokens issued up to `at` (ms since the epoch). */
  async revokeUserTokens(userId: string, at: number): Promise<void> {
    await this.redis.client.set(this.redis.key('revoked', 'user', userId), String(at), 'EX', MARK_TTL_SECONDS);
  }

  /**
   * 'unknown' when Redis cannot answer: the caller then asks the database. The one MGET also
   * reads the user's version (UserVersions), so what is cached about the user costs no more,
   * and the keys (as RedisService.key parts) the request's route reads next (ReadAlongside).
   */
  async check(sessionId: string | null, userId: string, issuedAt: number, alongside: readonly (readonly string[])[] = []): Promise<RevocationAnswer> {
    try {
      const keys = [this.redis.key('revoked', 'user', userId), this.versions.key(userId)];
      if (sessionId) keys.push(this.redis.key('revoked', 'session', sessionId));
      const extra = alongside.map((parts) => this.redis.key(...parts));
      const values = await this.redis.read(extra.length ? [...keys, ...extra] : keys);
      const [notBefore, userVersion] = values;
      const session = sessionId ? values[2] : null;
      const along = extra.length ? new Map(extra.map((key, i) => [key, values[keys.length + i]])) : undefined;
      if (session) return { verdict: 'revoked', userVersion, alongside: along };
      if (notBefore && issuedAt <= Number(notBefore)) return { verdict: 'revoked', userVersion, alongside: along };
      return { verdict: 'valid', userVersion, alongside: along };
    } catch {
      return { verdict: 'unknown', userVersion: null };
    }
  }
}
