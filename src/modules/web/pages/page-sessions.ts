import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { RedisService } from '../../../infrastructure/queue/redis.service';
import { Clock } from '../../../shared/clock';

/** A sign-in between its first factor and its session: the single-use token of the next step. */
export interface PendingStep {
  kind: 'mfa' | 'enrol' | 'password';
  token: string;
  returnTo: string | null;
}

export interface PageSessionData {
  /** The synchronizer token every form of this browser carries. */
  csrf: string;
  /** Set once signed in: the same tokens an API client holds, refreshed as they expire. */
  tokens?: { accessToken: string; refreshToken: string; accessExpiresAt: number };
  step?: PendingStep;
  /** A TOTP enrolment in progress (challenged or from the account page). */
  enrolment?: { secret: string; otpauthUri: string };
  /** Shown once, then dropped: recovery codes, a new API key, a notice. */
  recoveryCodes?: { codes: string[]; next: string };
  createdKey?: string;
  notice?: string;
  /** A "Sign in with SSO" this browser started: the callback must bring back `state`. */
  sso?: { state: string; returnTo: string | null; organization: string };
  /** The organization of the last sign-in: prefills the form. */
  organization?: string;
}

export interface PageSession {
  id: string;
  data: PageSessionData;
}

/** Long enough for a working day; every request that finds it starts the count again. */
const IDLE_SECONDS = 12 * 3600;
/** A browser that only looked at a form keeps its CSRF token for an hour. */
const ANONYMOUS_SECONDS = 3600;
const REFRESH_LOCK_MS = 10_000;

/**
 * The pages' server-side sessions, in Redis under a SHA-256 of the cookie's random id (so a
 * Redis dump holds no usable cookie). A session holds the API's own access and refresh
 * tokens rather than a second kind of session: revocation, idle and absolute lifetime,
 * refresh-token rotation with reuse detection and "MFA now required" bind the pages
 * exactly as they bind an API client, and "Sessions" lists the pages' sign-in like any other.
 */
@Injectable()
export class PageSessions {
  constructor(
    private readonly redis: RedisService,
    private readonly clock: Clock,
  ) {}

  newId(): string {
    return randomBytes(32).toString('base64url');
  }

  async load(id: string | undefined): Promise<PageSession | null> {
    if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const raw = await this.redis.client.get(this.key(id));
    if (!raw) return null;
    return { id, data: JSON.parse(raw) as PageSessionData };
  }

  /** A fresh anonymous session: a new id, a new CSRF token. */
  create(data: Partial<PageSessionData> = {}): PageSession {
    return { id: this.newId(), data: { ...data, csrf: randomBytes(32).toString('base64url') } };
  }

  async save(session: PageSession): Promise<void> {
    const ttl = session.data.tokens ? IDLE_SECONDS : ANONYMOUS_SECONDS;
    await this.redis.client.set(this.key(session.id), JSON.stringify(session.data), 'EX', ttl);
  }

  async destroy(id: string): Promise<void> {
    await this.redis.client.del(this.key(id));
  }

  /**
   * Runs `refresh` for the session's tokens once at a time: a page and its picture loading
   * together must not both spend the same refresh token (the second would look like theft
   * and end the session). A request that finds a refresh under way waits for its result.
   */
  async refreshOnce(session: PageSession, refresh: (refreshToken: string) => Promise<PageSessionData['tokens'] | null>): Promise<PageSession | null> {
    const lock = this.key(session.id, 'refreshing');
    const presented = session.data.tokens?.refreshToken;
    if (!presented) return session;
    if (await this.redis.client.set(lock, '1', 'PX', REFRESH_LOCK_MS, 'NX')) {
      try {
        const tokens = await refresh(presented);
        const updated: PageSession = { id: session.id, data: { ...session.data, tokens: tokens ?? undefined } };
        await this.save(updated);
        return tokens ? updated : null;
      } finally {
        await this.redis.client.del(lock);
      }
    }
    for (let waited = 0; waited < REFRESH_LOCK_MS; waited += 100) {
      await sleep(100);
      const now = await this.load(session.id);
      if (!now?.data.tokens) return null;
      if (now.data.tokens.refreshToken !== presented) return now;
    }
    return null;
  }

  isFresh(session: PageSession): boolean {
    // a margin, so a token does not expire between this check and the guard's
    return !!session.data.tokens && session.data.tokens.accessExpiresAt - 30_000 > this.clock.now().getTime();
  }

  private key(id: string, ...suffix: string[]): string {
    return this.redis.key('pages', createHash('sha256').update(id).digest('base64url'), ...suffix);
  }
}

/** Constant-time comparison of a form's CSRF token with the session's. */
export function csrfMatches(session: PageSession | null, sent: unknown): boolean {
  if (!session || typeof sent !== 'string') return false;
  const expected = Buffer.from(session.data.csrf);
  const actual = Buffer.from(sent);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
