import type { RedisService } from '../../../infrastructure/queue/redis.service';
import { csrfMatches, PageSessions, type PageSession } from './page-sessions';

describe(csrfMatches.name, () => {
  const session: PageSession = { id: 'x', data: { csrf: 'the-token' } };

  it('accepts the session’s own token only', () => {
    expect(csrfMatches(session, 'the-token')).toBe(true);
    expect(csrfMatches(session, 'the-tokeN')).toBe(false);
    expect(csrfMatches(session, 'the-token-longer')).toBe(false);
    expect(csrfMatches(session, undefined)).toBe(false);
    expect(csrfMatches(session, ['the-token'])).toBe(false);
    expect(csrfMatches(null, 'the-token')).toBe(false);
  });
});

/** Just the Redis commands PageSessions uses, in memory, without expiry. */
class MemoryRedis {
  readonly values = new Map<string, string>();
  readonly client = {
    get: async (key: string) => this.values.get(key) ?? null,
    set: async (key: string, value: string, ...options: (string | number)[]) => {
      if (options.includes('NX') && this.values.has(key)) return null;
      this.values.set(key, value);
      return 'OK';
    },
    del: async (key: string) => Number(this.values.delete(key)),
  };
  key(...parts: string[]): string {
    return parts.join(':');
  }
}

describe(PageSessions.name, () => {
  const clock = { now: () => new Date('2026-12-02T10:00:00Z') };

  function sut() {
    const redis = new MemoryRedis();
    return { redis, sessions: new PageSessions(redis as unknown as RedisService, clock) };
  }

  it('spends a refresh token once when two requests of a page find the access token stale', async () => {
    const { sessions } = sut();
    const session = sessions.create({ tokens: { accessToken: 'old-access', refreshToken: 'ghr_old', accessExpiresAt: 0 } });
    await sessions.save(session);
    const spent: string[] = [];
    const refresh = async (token: string) => {
      spent.push(token);
      await new Promise((resolve) => setTimeout(resolve, 250));
      return { accessToken: 'new-access', refreshToken: 'ghr_new', accessExpiresAt: Date.parse('2026-12-02T10:15:00Z') };
    };

    const [first, second] = await Promise.all([sessions.refreshOnce(session, refresh), sessions.refreshOnce(session, refresh)]);

    expect(spent).toEqual(['ghr_old']);
    expect(first?.data.tokens?.accessToken).toBe('new-access');
    expect(second?.data.tokens?.accessToken).toBe('new-access');
    expect(sessions.isFresh(first!)).toBe(true);
  });

  it('signs the page out when the refresh is refused, keeping its CSRF token', async () => {
    const { sessions } = sut();
    const session = sessions.create({ tokens: { accessToken: 'a', refreshToken: 'ghr_revoked', accessExpiresAt: 0 } });
    await sessions.save(session);
    expect(await sessions.refreshOnce(session, async () => null)).toBeNull();
    const after = await sessions.load(session.id);
    expect(after?.data.tokens).toBeUndefined();
    expect(after?.data.csrf).toBe(session.data.csrf);
  });

  it('finds a session only by a well-formed id, and stores it under a hash of the id', async () => {
    const { sessions, redis } = sut();
    const session = sessions.create();
    await sessions.save(session);
    expect(await sessions.load(session.id)).toEqual(session);
    expect(await sessions.load('not-an-id')).toBeNull();
    expect([...redis.values.keys()].join()).not.toContain(session.id);
  });
});
