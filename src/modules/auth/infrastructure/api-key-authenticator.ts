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
import type { AlongsideCaller } from '../../../shared/decorators';
import type { Principal } from '../../../shared/principal';
import { UserAccounts } from '../../users';

/** Viewers have "limited API access": their keys get this many requests a minute. */
export const VIEWER_KEY_REQUESTS_PER_MINUTE = 60;

/** A key's last use is written at most this often by one instance: a write per request showed in the profile. */
const LAST_USE_WRITE_MS = 5_000;
const MAX_CACHED_KEYS = 10_000;
/** A bound on what a lost version change (Redis unreachable just after a commit) can leave stale. */
const KEY_MAX_AGE_MS = 60_000;

/**
 * Signing in with a key happens on every request, so login history gets one
 * `auth.api_key_used` per key and address an hour (decided in Redis, across instances),
 * never one per request; every rejection is recorded as it happens.
 */
export const API_KEY_USE_RECORDED_SECONDS = 3_600;

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
 * changes that version, so a request pays one Redis MGET while nothing changed — with the
 * keys its route reads next (ReadAlongside) in the same round trip.
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

  /**
   * `alongside`: the keys the route reads next (ReadAlongside), named from the key's owner and
   * read in the same MGET as the owner's version; their values come back with the principal.
   */
  async authenticate(key: string, actor: Actor, alongside?: (owner: AlongsideCaller) => readonly (readonly string[])[]): Promise<{ principal: Principal; alongside?: Map<string, string | null> }> {
    const hash = hashToken(key);
    const now = this.clock.now();
    const found = await this.current(hash, now.getTime(), alongside);
    if (!found) throw new InvalidApiKeyError();
    const { apiKey, version } = found;
    const owner = await this.users.profileAt(apiKey.organizationId, apiKey.userId, version);
    const reason = apiKey.revokedAt ? 'key_revoked' : apiKey.expiresAt <= now ? 'key_expired' : owner?.status !== 'active' ? 'owner_inactive' : null;
    if (reason || !owner) {
      await this.recordRejection(apiKey, actor, reason ?? 'owner_inactive');
      throw new InvalidApiKeyError();
    }
    if (owner.role === 'Viewer') await this.limitRate(apiKey.id);
    if (await this.noteUse(apiKey.id, now, actor.ip)) this.recordUse(apiKey, actor);
    const principal: Principal = {
      userId: owner.id,
      organizationId: owner.organizationId,
      role: owner.role,
      sessionId: null,
      apiKeyId: apiKey.id,
      scopes: apiKey.scopes,
      issuedAt: apiKey.createdAt.getTime(),
      userVersion: version,
    };
    return { principal, alongside: found.alongside };
  }

  /** The key as of its owner's current version: from memory while that version holds. */
  private async current(
    hash: string,
    now: number,
    alongside?: (owner: AlongsideCaller) => readonly (readonly string[])[],
  ): Promise<{ apiKey: AuthenticatingKey; version: string | null; alongside?: Map<string, string | null> } | null> {
    const cached = this.keys.get(hash);
    if (cached) {
      const read = await this.ownerVersion(cached.key, alongside);
      if (read.version === cached.version && now - cached.at < KEY_MAX_AGE_MS) return { apiKey: cached.key, ...read };
    }
    // the key names its owner; the owner's version is settled before the key is read again,
    // so a revocation committed in between changes the version this read is kept under
    const first = await this.byHash(hash);
    if (!first) {
      this.keys.delete(hash);
      return null;
    }
    const read = await this.ownerVersion(first, alongside);
    const version = read.version ?? (await this.versions.establish(first.userId));
    const apiKey = version ? await this.byHash(hash) : first;
    this.keys.delete(hash);
    if (!apiKey) return null;
    if (version) {
      if (this.keys.size >= MAX_CACHED_KEYS) this.keys.delete(this.keys.keys().next().value as string);
      this.keys.set(hash, { key: Object.freeze(apiKey), version, at: now });
    }
    return { apiKey, version, alongside: read.alongside };
  }

  /** The owner's version (UserVersions) and the route's alongside keys, in one MGET; null and nothing when Redis cannot answer. */
  private async ownerVersion(
    key: AuthenticatingKey,
    alongside?: (owner: AlongsideCaller) => readonly (readonly string[])[],
  ): Promise<{ version: string | null; alongside?: Map<string, string | null> }> {
    const extra = (alongside?.({ userId: key.userId, organizationId: key.organizationId }) ?? []).map((parts) => this.redis.key(...parts));
    try {
      const [version, ...values] = await this.redis.read([this.versions.key(key.userId), ...extra]);
      return { version, alongside: extra.length ? new Map(extra.map((k, i) => [k, values[i]])) : undefined };
    } catch {
      return { version: null };
    }
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

  /**
   * Writes the key's last use, unless this instance wrote it from the same address moments
   * ago; answers whether this use is the first of the hour from its address (to record).
   */
  private async noteUse(apiKeyId: string, now: Date, ip: string | null): Promise<boolean> {
    const last = this.lastWritten.get(apiKeyId);
    if (last && last.ip === ip && now.getTime() - last.at < LAST_USE_WRITE_MS) return false;
    if (this.lastWritten.size >= 10_000) this.lastWritten.clear();
    this.lastWritten.set(apiKeyId, { at: now.getTime(), ip });
    // one round trip, as before: the last use, and the hour's mark of use from this address
    const replies = await this.redis.client
      .multi()
      .set(this.redis.key('apikey', 'last-use', apiKeyId), JSON.stringify({ at: now.toISOString(), ip } satisfies LastUse))
      .set(this.redis.key('apikey', 'use-recorded', apiKeyId, ip ?? '-'), '1', 'EX', API_KEY_USE_RECORDED_SECONDS, 'NX')
      .exec()
      .catch(() => null);
    return replies?.[1]?.[1] === 'OK';
  }

  /** Not awaited: the request does not wait for its login-history record, nor fail with it. */
  private recordUse(apiKey: AuthenticatingKey, actor: Actor): void {
    this.uow
      .run({ actor: { ...actor, type: 'api_key', id: apiKey.id, organizationId: apiKey.organizationId }, organizationId: apiKey.organizationId }, async (context) => {
        context.record({
          type: 'auth.api_key_used',
          organizationId: apiKey.organizationId,
          subject: { type: 'user', id: apiKey.userId },
          payload: { method: 'api_key', apiKeyId: apiKey.id, onceEverySeconds: API_KEY_USE_RECORDED_SECONDS },
        });
      })
      .catch((error: Error) => this.logger.warn(`could not record an API key use: ${error.message}`));
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
