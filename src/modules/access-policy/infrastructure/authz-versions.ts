import { Injectable, Logger } from '@nestjs/common';
import { RedisService } from '../../../infrastructure/queue/redis.service';

/**
 * Versions that cached abilities are stamped with, in Redis so every instance sees a bump on
 * its very next request: one per organization (custom roles, grants, teams) and one per
 * user (role, status, membership). A stamp that cannot be read is null: nothing is cached.
 */
@Injectable()
export class AuthzVersions {
  private readonly logger = new Logger(AuthzVersions.name);

  constructor(private readonly redis: RedisService) {}

  /** The keys (RedisService.key parts) of a user's stamp, for a route to have them read alongside (ReadAlongside). */
  static stampKeys(organizationId: string, userIds: Iterable<string>): string[][] {
    return [['authz', 'v', 'org', organizationId], ...[...userIds].map((userId) => ['authz', 'v', 'user', userId])];
  }

  private organizationKey(organizationId: string): string {
    return this.redis.key('authz', 'v', 'org', organizationId);
  }

  private userKey(userId: string): string {
    return this.redis.key('authz', 'v', 'user', userId);
  }

  /**
   * The versions a user's cached ability must carry. `alongside`: what authentication read
   * for this request (ReadAlongside); when it holds both keys, no round trip of its own.
   */
  async stamp(organizationId: string, userId: string, alongside?: ReadonlyMap<string, string | null>): Promise<string | null> {
    if (alongside) {
      const organization = alongside.get(this.organizationKey(organizationId));
      const user = alongside.get(this.userKey(userId));
      if (organization !== undefined && user !== undefined) return `${organization ?? 0}.${user ?? 0}`;
    }
    try {
      const [organization, user] = await this.redis.client.mget(this.organizationKey(organizationId), this.userKey(userId));
      return `${organization ?? 0}.${user ?? 0}`;
    } catch {
      return null;
    }
  }

  async organizationStamp(organizationId: string): Promise<string | null> {
    try {
      return (await this.redis.client.get(this.organizationKey(organizationId))) ?? '0';
    } catch {
      return null;
    }
  }

  /** After a commit that changes what anyone in the organization may do. */
  async bumpOrganization(organizationId: string): Promise<void> {
    await this.redis.client
      .incr(this.organizationKey(organizationId))
      .catch((error: Error) => this.logger.error(`authz version not bumped (caches keep the old answer up to their next rebuild): ${error.message}`));
  }

  /** After a commit that changes what these users may do. */
  async bumpUsers(userIds: readonly string[]): Promise<void> {
    if (!userIds.length) return;
    const pipeline = this.redis.client.pipeline();
    for (const id of new Set(userIds)) pipeline.incr(this.userKey(id));
    await pipeline.exec().catch((error: Error) => this.logger.error(`authz versions not bumped: ${error.message}`));
  }
}
