import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { RedisService } from '../queue/redis.service';

/** Long enough to outlive any burst of requests; a lapsed version reads as null and caches nothing until the next change or first read sets one. */
const VERSION_TTL_SECONDS = 7 * 24 * 3600;

/**
 * One version per user in Redis, changed after every committed command whose events are
 * about that user (the unit of work does it), except events the catalogue declares
 * `leavesUserCachesValid` (a refresh, a refused sign-in), so every instance sees a change
 * on its very next request. What is cached in process about a user (their profile, their API
 * keys) is kept under the version it was read at and used only while Redis still answers
 * that version. Versions are random, not counters: a Redis that lost its data can never
 * answer an old version again. Null (no version, or Redis unreachable) caches nothing.
 */
@Injectable()
export class UserVersions {
  private readonly logger = new Logger(UserVersions.name);

  constructor(private readonly redis: RedisService) {}

  key(userId: string): string {
    return this.redis.key('user', 'v', userId.toLowerCase());
  }

  /** The user's current version, or null when there is none or Redis cannot answer. */
  async current(userId: string): Promise<string | null> {
    try {
      return await this.redis.client.get(this.key(userId));
    } catch {
      return null;
    }
  }

  /** A version for a user who has none yet (SET NX), so the next reads may cache; null when Redis cannot answer. */
  async establish(userId: string): Promise<string | null> {
    try {
      const key = this.key(userId);
      const candidate = randomUUID();
      const [[, set], [, value]] = (await this.redis.client.multi().set(key, candidate, 'EX', VERSION_TTL_SECONDS, 'NX').get(key).exec()) as [[unknown, unknown], [unknown, string | null]];
      return set === 'OK' ? candidate : value;
    } catch {
      return null;
    }
  }

  /** After a commit that changed these users: what any instance cached about them is stale from now on. */
  async bump(userIds: Iterable<string>): Promise<void> {
    const ids = [...new Set([...userIds].map((id) => id.toLowerCase()))];
    if (!ids.length) return;
    const failed = (error: Error) => this.logger.error(`user versions not changed (cached profiles may lag): ${error.message}`);
    // one user (a sign-in, most commands): a plain SET, 12–25 µs less than a pipeline of one (bench/README.md, twenty-seventh pass)
    if (ids.length === 1) {
      await this.redis.client.set(this.key(ids[0]), randomUUID(), 'EX', VERSION_TTL_SECONDS).catch(failed);
      return;
    }
    const pipeline = this.redis.client.pipeline();
    for (const id of ids) pipeline.set(this.key(id), randomUUID(), 'EX', VERSION_TTL_SECONDS);
    await pipeline.exec().catch(failed);
  }
}
