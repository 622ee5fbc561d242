import { Injectable } from '@nestjs/common';
import { RedisService } from '../queue/redis.service';

/** Longest an access token can live; revocation marks outlast every token they apply to. */
const MARK_TTL_SECONDS = 24 * 3600;

export type RevocationCheck = 'valid' | 'revoked' | 'unknown';

/**
 * Revocations every instance sees on the very next request: a mark per revoked session,
 * and per user a "not before" time that voids every token issued earlier (deactivation,
 * role change, password change). Kept in Redis, never in process memory.
 */
@Injectable()
export class Revocations {
  constructor(private readonly redis: RedisService) {}

  async revokeSession(sessionId: string): Promise<void> {
    await this.redis.client.set(this.redis.key('revoked', 'session', sessionId), '1', 'EX', MARK_TTL_SECONDS);
  }

  /** Voids the user’s tokens issued up to `at` (ms since the epoch). */
  async revokeUserTokens(userId: string, at: number): Promise<void> {
    await this.redis.client.set(this.redis.key('revoked', 'user', userId), String(at), 'EX', MARK_TTL_SECONDS);
  }

  /** 'unknown' when Redis cannot answer: the caller then asks the database. */
  async check(sessionId: string | null, userId: string, issuedAt: number): Promise<RevocationCheck> {
    try {
      const keys = [this.redis.key('revoked', 'user', userId)];
      if (sessionId) keys.push(this.redis.key('revoked', 'session', sessionId));
      const [notBefore, session] = await this.redis.client.mget(...keys);
      if (session) return 'revoked';
      if (notBefore && issuedAt <= Number(notBefore)) return 'revoked';
      return 'valid';
    } catch {
      return 'unknown';
    }
  }
}
