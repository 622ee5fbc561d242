import { EVENT_OUTCOMES, outcomeOf, outcomeSql, UNSUCCESSFUL_OUTCOMES } from './event-outcome';

describe('event outcomes', () => {
  it('calls failed sign-in steps failures and refused requests denied', () => {
    expect(outcomeOf('auth.login_failed')).toBe('failure');
    expect(outcomeOf('auth.mfa_failed')).toBe('failure');
    expect(outcomeOf('security.refresh_token_reused')).toBe('failure');
    expect(outcomeOf('access.denied')).toBe('denied');
  });

  it('calls every other type a success', () => {
    expect(outcomeOf('auth.login_succeeded')).toBe('success');
    expect(outcomeOf('user.role_changed')).toBe('success');
  });

  it('writes the same table into the projection’s SQL, only with outcomes the API accepts', () => {
    const sql = outcomeSql('e.type');
    for (const [type, outcome] of Object.entries(UNSUCCESSFUL_OUTCOMES)) {
      expect(sql).toContain(`when '${type}' then '${outcome}'`);
      expect(EVENT_OUTCOMES).toContain(outcome);
    }
    expect(sql).toMatch(/else 'success' end\)$/);
  });
});
