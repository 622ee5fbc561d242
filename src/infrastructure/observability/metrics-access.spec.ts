import { bearerTokenMatches } from './metrics-access';

describe(bearerTokenMatches.name, () => {
  const token = 'scrape-me-please-0123456789';

  it('accepts the token as a bearer credential, whatever the case of the scheme', () => {
    expect(bearerTokenMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerTokenMatches(`bearer ${token}`, token)).toBe(true);
  });

  it('refuses a missing header, another scheme, another token, or a prefix of it', () => {
    expect(bearerTokenMatches(undefined, token)).toBe(false);
    expect(bearerTokenMatches('', token)).toBe(false);
    expect(bearerTokenMatches(`Basic ${token}`, token)).toBe(false);
    expect(bearerTokenMatches(token, token)).toBe(false);
    expect(bearerTokenMatches(`Bearer ${token}x`, token)).toBe(false);
    expect(bearerTokenMatches(`Bearer ${token.slice(0, -1)}`, token)).toBe(false);
    expect(bearerTokenMatches('Bearer ', token)).toBe(false);
  });
});
