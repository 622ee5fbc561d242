export const REDACTED = '[redacted]';

/**
 * The parts of a request URL that carry a secret, replaced before a URL reaches a log line.
 * Path patterns are not anchored to /api/v1, so a page serving the same link is covered too.
 */
const SECRET_URL_PARTS: { pattern: RegExp; replacement: string }[] = [
  // invitation links: /api/v1/invitations/accept/:token
  { pattern: /(\/invitations\/accept\/)[^/?#]+/gi, replacement: `$1${REDACTED}` },
  // the pages' invitation links: /invitations/:token at the root (also inside an absolute URL)
  { pattern: /^((?:[a-z][a-z0-9+.-]*:\/\/[^/?#]*)?\/invitations\/)[^/?#]+/i, replacement: `$1${REDACTED}` },
  // password-reset links: /api/v1/auth/password/reset/:token, and the page /password/reset/:token
  { pattern: /(\/password\/reset\/)[^/?#]+/gi, replacement: `$1${REDACTED}` },
  // the whole query: an SSO callback's `code` (/api/v1/auth/sso/...?code=), and any secret a
  // future route takes there; failing closed beats a list of parameter names to remember
  { pattern: /\?[^#]*/, replacement: `?${REDACTED}` },
  { pattern: /#.*$/, replacement: '' },
];

/** The URL (a path, or an absolute URL such as a Location header) as a log may show it. */
export function redactUrl(url: string): string {
  return SECRET_URL_PARTS.reduce((redacted, { pattern, replacement }) => redacted.replace(pattern, replacement), url);
}
