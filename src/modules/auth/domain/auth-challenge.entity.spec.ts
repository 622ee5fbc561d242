import { AuthChallenge } from './auth-challenge.entity';

describe(AuthChallenge.name, () => {
  const now = new Date('2026-12-02T10:00:00Z');
  const issue = () =>
    AuthChallenge.issue({ id: 'c', organizationId: 'o', userId: 'u', purpose: 'mfa_verify', tokenHash: 'h', now, ttlSeconds: 300 });

  it('stays usable through wrong answers below the limit', () => {
    const challenge = issue();
    for (let i = 0; i < 4; i++) challenge.fail(now, 5);
    expect(challenge.failedAttempts).toBe(4);
    expect(challenge.usable(now)).toBe(true);
  });

  it('ends at the wrong answer that reaches the limit, and stays ended', () => {
    const challenge = issue();
    for (let i = 0; i < 5; i++) challenge.fail(now, 5);
    expect(challenge.usable(now)).toBe(false);
    expect(challenge.usedAt).toEqual(now);
  });

  it('expires after its time to live', () => {
    expect(issue().usable(new Date(now.getTime() + 300_000))).toBe(false);
  });
});
