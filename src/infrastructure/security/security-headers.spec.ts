import type { FastifyReply, FastifyRequest } from 'fastify';
import { pageHeaders, securityHeaders } from './security-headers';

/** A reply's headers as fastify keeps them (lower-cased names), with the calls the hook makes. */
function replyWith(headers: Record<string, string>): FastifyReply & { sent: Record<string, string> } {
  const sent: Record<string, string> = { ...headers };
  const reply = {
    sent,
    getHeader: (name: string) => sent[name.toLowerCase()],
    header(name: string, value: string) {
      sent[name.toLowerCase()] = value;
      return reply;
    },
    headers(values: Record<string, string>) {
      for (const [name, value] of Object.entries(values)) sent[name.toLowerCase()] = value;
      return reply;
    },
  };
  return reply as unknown as FastifyReply & { sent: Record<string, string> };
}

function onSend(reply: FastifyReply): unknown {
  let passed: unknown;
  const hook = pageHeaders(securityHeaders()) as unknown as (r: FastifyRequest, s: FastifyReply, p: unknown, done: (e: null, p: unknown) => void) => void;
  hook({} as FastifyRequest, reply, 'the payload', (_error, payload) => (passed = payload));
  return passed;
}

describe(securityHeaders.name, () => {
  it('gives a JSON answer OWASP’s REST Security set and nothing a browser document alone needs', () => {
    const { api } = securityHeaders();
    expect(api).toEqual({
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'strict-transport-security': expect.stringMatching(/^max-age=\d+; includeSubDomains$/) as string,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'same-origin',
    });
  });

  it('keeps helmet’s full browser set for HTML documents, with their content security policy', () => {
    const { api, page } = securityHeaders();
    const document = { ...api, ...page };
    expect(document['content-security-policy']).toContain("default-src 'self'");
    expect(document['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(document['x-frame-options']).toBe('SAMEORIGIN');
    expect(document['cross-origin-opener-policy']).toBe('same-origin');
    expect(document['origin-agent-cluster']).toBe('?1');
    expect(document['x-xss-protection']).toBe('0');
    expect(document['x-dns-prefetch-control']).toBe('off');
    expect(document['x-download-options']).toBe('noopen');
    expect(document['x-permitted-cross-domain-policies']).toBe('none');
    expect(document['x-content-type-options']).toBe('nosniff');
    expect(document['strict-transport-security']).toBe(api['strict-transport-security']);
    expect(document['referrer-policy']).toBe('no-referrer');
  });
});

describe(pageHeaders.name, () => {
  it('adds the browser set to an HTML answer, and passes the payload on', () => {
    const { api, page } = securityHeaders();
    const reply = replyWith({ ...api, 'content-type': 'text/html; charset=utf-8' });
    expect(onSend(reply)).toBe('the payload');
    expect(reply.sent).toEqual({ ...api, ...page, 'content-type': 'text/html; charset=utf-8' });
  });

  it('keeps the content security policy a page set itself', () => {
    const { api } = securityHeaders();
    const own = "default-src 'none'; script-src 'none'; style-src 'self'";
    const reply = replyWith({ ...api, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': own });
    onSend(reply);
    expect(reply.sent['content-security-policy']).toBe(own);
    expect(reply.sent['x-frame-options']).toBe('SAMEORIGIN');
  });

  it.each(['application/json; charset=utf-8', 'application/problem+json; charset=utf-8', 'text/css; charset=utf-8', 'image/png'])('leaves a %s answer with the api set', (type) => {
    const { api } = securityHeaders();
    const reply = replyWith({ ...api, 'content-type': type });
    onSend(reply);
    expect(reply.sent).toEqual({ ...api, 'content-type': type });
  });
});
