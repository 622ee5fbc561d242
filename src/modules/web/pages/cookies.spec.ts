import { parseCookies, serializeCookie } from './cookies';

describe(serializeCookie.name, () => {
  it('writes an HttpOnly, SameSite=Lax cookie, Secure when asked', () => {
    expect(serializeCookie('gh_session', 'abc-_1', { secure: true })).toBe('gh_session=abc-_1; Path=/; HttpOnly; SameSite=Lax; Secure');
    expect(serializeCookie('gh_organization', 'acme', { secure: false, maxAge: 60 })).toBe('gh_organization=acme; Path=/; HttpOnly; SameSite=Lax; Max-Age=60');
  });

  it('refuses a value that would need encoding or could inject an attribute', () => {
    expect(() => serializeCookie('gh_session', 'a; Domain=evil', { secure: true })).toThrow();
  });
});

describe(parseCookies.name, () => {
  it('reads each cookie once, the first one sent winning', () => {
    expect(parseCookies('a=1; gh_session=xyz; a=2; broken')).toEqual({ a: '1', gh_session: 'xyz' });
    expect(parseCookies(undefined)).toEqual({});
  });
});
