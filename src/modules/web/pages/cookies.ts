/**
 * The two cookies the pages set carry only URL-safe values (a base64url id, an organization
 * slug), so a few lines do what a cookie library would: parse the request's header, and
 * write Set-Cookie with the attributes the pages need.
 */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    // the first wins, as browsers send the most specific path first
    if (!(name in cookies)) cookies[name] = part.slice(at + 1).trim();
  }
  return cookies;
}

export interface CookieOptions {
  secure: boolean;
  /** Seconds; absent for a browser-session cookie. */
  maxAge?: number;
}

export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  if (!/^[A-Za-z0-9_-]+$/.test(name) || !/^[A-Za-z0-9._~-]*$/.test(value)) throw new Error(`cookie ${name}: only URL-safe values are written`);
  return [
    `${name}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
    ...(options.maxAge !== undefined ? [`Max-Age=${options.maxAge}`] : []),
  ].join('; ');
}
