import { Session } from './session.entity';

describe(Session.name, () => {
  const start = new Date('2026-11-28T10:00:00.000Z');
  const minutes = (n: number) => new Date(start.getTime() + n * 60_000);

  function session(maxLifetimeMinutes = 600): Session {
    return Session.start({
      id: 's1',
      organizationId: 'o1',
      userId: 'u1',
      role: 'Viewer',
      method: 'password',
      ip: null,
      userAgent: null,
      refreshTokenHash: 'h1',
      now: start,
      maxLifetimeMinutes,
    });
  }

  it('ends after the idle timeout without a refresh', () => {
    const s = session();
    expect(s.endedReason(minutes(29), 30)).toBeNull();
    expect(s.endedReason(minutes(30), 30)).toBe('idle');
  });

  it('stays alive while refreshed, until the absolute lifetime', () => {
    const s = session(120);
    // a rotation (SessionTokens.rotate) moves the last use on
    s.lastUsedAt = minutes(25);
    s.lastUsedAt = minutes(50);
    expect(s.endedReason(minutes(70), 30)).toBeNull();
    s.lastUsedAt = minutes(100);
    expect(s.endedReason(minutes(120), 30)).toBe('expired');
  });

  it('names the session and its user in the event of a rotation', () => {
    expect(Session.rotated(session())).toEqual({ type: 'auth.token_refreshed', organizationId: 'o1', subject: { type: 'user', id: 'u1' }, payload: { sessionId: 's1' } });
  });

  it('is ended by a revocation, and a revoked session forgets its refresh token', () => {
    const s = session();
    s.revoke('logout', minutes(1));
    expect(s.endedReason(minutes(2), 30)).toBe('revoked');
    expect(s.refreshTokenHash).toBeNull();
    expect(s.revokedReason).toBe('logout');
  });

  it.each([
    ['password', false],
    ['password_mfa', true],
    ['sso', false],
    ['sso_mfa', true],
  ] as const)('counts a %s session as having proved a second factor: %p', (method, proved) => {
    const s = Session.start({ id: 's1', organizationId: 'o1', userId: 'u1', role: 'Viewer', method, ip: null, userAgent: null, refreshTokenHash: 'h1', now: start, maxLifetimeMinutes: 60 });
    expect(s.provedSecondFactor).toBe(proved);
  });
});
