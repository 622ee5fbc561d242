import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';
import helmet from 'helmet';

/** The browser documents' content security policy (the OpenAPI UI, the SSO pages): our own scripts and styles, no framing. */
const CONTENT_SECURITY_POLICY = {
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    frameAncestors: ["'none'"],
  },
};

/** What a JSON answer may load or be framed by: nothing. */
const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

export interface SecurityHeaderSets {
  /** Every answer's: OWASP's REST Security set. */
  readonly api: Readonly<Record<string, string>>;
  /** What an HTML document adds to (or changes in) the api set: helmet's full browser set. */
  readonly page: Readonly<Record<string, string>>;
}

/** helmet's headers for a browser document, as it would set them, lower-cased. */
function helmetHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: () => undefined,
  } as unknown as ServerResponse;
  helmet({ contentSecurityPolicy: CONTENT_SECURITY_POLICY })({} as IncomingMessage, response, (error?: unknown) => {
    if (error) throw error instanceof Error ? error : new Error('helmet refused its own options');
  });
  return headers;
}

/**
 * The security headers, computed once (constants; computing them per request, as
 * @fastify/helmet does, cost a public route a fifth of its throughput), in two blocks.
 * A JSON answer gets OWASP's REST Security set: nothing loads, nothing frames it, nothing
 * caches it unless its route says so (Cache-Control: no-store, which a route overrides with
 * its own), no MIME sniffing, no referrer, HSTS and CORP as helmet sets them. helmet's
 * browser-only headers (X-XSS-Protection, X-DNS-Prefetch-Control, X-Download-Options,
 * Origin-Agent-Cluster, Cross-Origin-Opener-Policy, X-Permitted-Cross-Domain-Policies) mean
 * nothing to an API client and were ≈ 350 of the 656 bytes every answer carried; an HTML
 * document still gets all of them.
 */
export function securityHeaders(): SecurityHeaderSets {
  const browser = helmetHeaders();
  const api: Record<string, string> = {
    'cache-control': 'no-store',
    'content-security-policy': API_CONTENT_SECURITY_POLICY,
    'strict-transport-security': browser['strict-transport-security'],
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': browser['cross-origin-resource-policy'],
  };
  const page: Record<string, string> = {};
  for (const [name, value] of Object.entries(browser)) if (api[name] !== value) page[name] = value;
  return { api: Object.freeze(api), page: Object.freeze(page) };
}

/**
 * An onSend hook: an answer that is an HTML document (a page, the OpenAPI UI, an SSO page)
 * gets the browser set on top of the api set. A content security policy the handler set
 * (the pages' own, stricter one) is kept.
 */
export function pageHeaders(sets: SecurityHeaderSets): onSendHookHandler {
  const apiPolicy = sets.api['content-security-policy'];
  const { 'content-security-policy': pagePolicy, ...rest } = sets.page;
  return (_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html')) {
      void reply.headers(rest);
      if (pagePolicy && reply.getHeader('content-security-policy') === apiPolicy) void reply.header('content-security-policy', pagePolicy);
    }
    done(null, payload);
  };
}
