import { csrfMatches, type PageSession } from './page-sessions';

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
