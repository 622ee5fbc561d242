import { Injectable, Logger } from '@nestjs/common';
import { HotReads } from '../../../infrastructure/database/hot-reads';
import { RedisService } from '../../../infrastructure/queue/redis.service';
import { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import { RateLimits } from '../../../infrastructure/security/rate-limits';
import { hashToken } from '../../../infrastructure/security/token-hash';
import { UserVersions } from '../../../infrastructure/security/user-versions';
import type { Actor } from '../../../shared/actor';
import { Clock } from '../../../shared/clock';
import { DomainError } from '../../../shared/domain-error';
import type { Principal } from '../../../shared/principal';
import { UserAccounts } from '../../users';

/** Viewers have "limited API access": their keys get this many requests a minute. */
export const VIEWER_KEY_REQUESTS_PER_MINUTE = 60;

/** A key's last use is written at most this often by one instance: a write per request showed in the profile. */
const LAST_USE_WRITE_MS = 5_000;
const MAX_CACHED_KEYS = 10_000;
/** A bound on what a lost version change (Redis unreachable just after a commit) can leave stale. */
const KEY_MAX_AGE_MS = 60_000;

export interface LastUse {
  at: string;
  ip: string | null;
}

interface KeyRow {
  id: string;
  organization_id: string;
  user_id: string;
  scopes: string[];
  expires_at: Date;
  created_at: Date;
  revoked_at: Date | null;
}

interface AuthenticatingKey {
  id: string;
  organizationId: string;
  userId: string;
  scopes: string[];
  expiresAt: Date;
  createdAt: Date;
  revokedAt: Date | null;
}

function toKey(row: KeyRow): AuthenticatingKey {
  return {
    id: row.id,
    organizationId: row.organization_id,
    userId: row.user_id,
    scopes: row.scopes,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

class InvalidApiKeyError extends DomainError {
  constructor() {
    super('AUTH.INVALID_API_KEY', 'unauthenticated', 'The API key is not valid');
  }
}

/**
 * Authenticates `Authorization: Bearer ghk_…`. The key must be known, unrevoked and
 * unexpired, and its owner still active: what the owner may do is checked on every request,
 * so a deactivated owner's or a demoted owner's keys lose their rights at once.
 * The key's row is kept in memory under its owner's version (UserVersions), as the owner's
 * profile is: revoking a key, like any change to its owner, is an event about the owner and
 * changes that version, so a request pays one Redis GET while nothing changed.
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly logger = new Logger(ApiKeyAuthenticator.name);
  private readonly lastWritten = new Map<string, { at: number; ip: string | null }>();
  private readonly keys = new Map<string, { key: AuthenticatingKey; version: string; at: number }>();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly hot: HotReads,
    private readonly users: UserAccounts,
    private readonly redis: RedisService,
    private readonly limits: RateLimits,
    private readonly clock: Clock,
    private readonly versions: UserVersions,
  ) {}

  async authenticate(key: string, actor: Actor): Promise<Principal> {
    const hash = hashToken(key);
    const now = this.clock.now();
    const found = await this.current(hash, now.getTime());
    if (!found) throw new InvalidApiKeyError();
    const { apiKey, version } = found;
    const owner = await this.users.profileAt(apiKey.organizationId, apiKey.userId, version);
    const reason = apiKey.revokedAt ? 'key_revoked' : apiKey.expiresAt <= now ? 'key_expired' : owner?.status !== 'active' ? 'owner_inactive' : null;
    if (reason || !owner) {
      await this.recordRejection(apiKey, actor, reason ?? 'owner_inactive');
      throw new InvalidApiKeyError();
    }
    if (owner.role === 'Viewer') await this.limitRate(apiKey.id);
    await this.noteUse(apiKey.id, now, actor.ip);
    return {
      userId: owner.id,
      organizationId: owner.organizationId,
      role: owner.role,
      sessionId: null,
      apiKeyId: apiKey.id,
      scopes: apiKey.scopes,
      issuedAt: apiKey.createdAt.getTime(),
      userVersion: version,
    };
  }

  /** The key as of its owner's current version: from memory while that version holds. */
  private async current(hash: string, now: number): Promise<{ apiKey: AuthenticatingKey; version: string | null } | null> {
    const cached = this.keys.get(hash);
    if (cached) {
      const version = await this.versions.current(cached.key.userId);
      if (version === cached.version && now - cached.at < KEY_MAX_AGE_MS) return { apiKey: cached.key, version };
    }
    // the key names its owner; the owner's version is settled before the key is read again,
    // so a revocation committed in between changes the version this read is kept under
    const first = await this.byHash(hash);
    if (!first) {
      this.keys.delete(hash);
      return null;
    }
    const version = (await this.versions.current(first.userId)) ?? (await this.versions.establish(first.userId));
    const apiKey = version ? await this.byHash(hash) : first;
    this.keys.delete(hash);
    if (!apiKey) return null;
    if (version) {
      if (this.keys.size >= MAX_CACHED_KEYS) this.keys.delete(this.keys.keys().next().value as string);
      this.keys.set(hash, { key: Object.freeze(apiKey), version, at: now });
    }
    return { apiKey, version };
  }

  // the key is the only thing the caller has: this lookup crosses tenants by a 256-bit
  // secret, so it is one lean query off the unit of work
  private async byHash(hash: string): Promise<AuthenticatingKey | null> {
    const [row] = await this.hot.rows<KeyRow>(
      'api_keys.by_hash',
      'select id, organization_id, user_id, scopes, expires_at, created_at, revoked_at from api_keys where key_hash = $1',
      [hash],
    );
    return row ? toKey(row) : null;
  }

  async lastUses(ids: string[]): Promise<Map<string, LastUse>> {
    if (!ids.length) return new Map();
    const values = await this.redis.client.mget(...ids.map((id) => this.redis.key('apikey', 'last-use', id))).catch(() => []);
    const uses = new Map<string, LastUse>();
    values.forEach((value, index) => value && uses.set(ids[index], JSON.parse(value) as LastUse));
    return uses;
  }

  /** Writes the key's last use, unless this instance wrote it from the same address moments ago. */
  private async noteUse(apiKeyId: string, now: Date, ip: string | null): Promise<void> {
    const last = this.lastWritten.get(apiKeyId);
    if (last && last.ip === ip && now.getTime() - last.at < LAST_USE_WRITE_MS) return;
    if (this.lastWritten.size >= 10_000) this.lastWritten.clear();
    this.lastWritten.set(apiKeyId, { at: now.getTime(), ip });
    await this.redis.client
      .set(this.redis.key('apikey', 'last-use', apiKeyId), JSON.stringify({ at: now.toISOString(), ip } satisfies LastUse))
      .catch(() => undefined);
  }

  private async limitRate(apiKeyId: string): Promise<void> {
    const verdict = await this.limits.limit('apikey-viewer', { points: VIEWER_KEY_REQUESTS_PER_MINUTE, durationSeconds: 60 }).consume(apiKeyId);
    if (!verdict.allowed) {
      throw new DomainError('AUTH.RATE_LIMITED', 'too_many_requests', 'This API key’s rate limit is reached', [], verdict.retryAfterSeconds);
    }
  }

  private async recordRejection(apiKey: AuthenticatingKey, actor: Actor, reason: string): Promise<void> {
    await this.uow
      .run({ actor: { ...actor, type: 'api_key', id: apiKey.id, organizationId: apiKey.organizationId }, organizationId: apiKey.organizationId }, async (context) => {
        context.record({
          type: 'auth.login_failed',
          organizationId: apiKey.organizationId,
          subject: { type: 'user', id: apiKey.userId },
          payload: { method: 'api_key', reason, apiKeyId: apiKey.id },
        });
      })
      .catch((error: Error) => this.logger.warn(`could not record an API key rejection: ${error.message}`));
  }
}
