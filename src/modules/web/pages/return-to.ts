/**
 * Where a page may send a person after signing in: a path on our own origin, or an absolute
 * URL on our origin or one the platform allow-listed. Anything else (another host, `//host`,
 * `javascript:`, a backslash trick) is dropped, so a link cannot turn the sign-in into an
 * open redirect.
 */
export function safeReturnTo(value: unknown, publicUrl: string, allowedOrigins: readonly string[]): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return null;
  // control characters, whitespace and backslashes are how parsers get talked into another host
  if ([...value].some((c) => c.charCodeAt(0) < 0x20 || c === '\\' || /\s/.test(c))) return null;
  if (value.startsWith('/') && !value.startsWith('//')) return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  const origins = [new URL(publicUrl).origin, ...allowedOrigins];
  return origins.includes(url.origin) ? url.toString() : null;
}
