import { startTestApp, type TestApp } from '../../support/test-app';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}

function expectProblem(response: { status: number; headers: Headers; body: unknown }, status: number): Problem {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = response.body as Problem;
  expect(problem).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  return problem;
}

describe('bad input', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ overrides: { BODY_LIMIT_BYTES: '65536' } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers malformed JSON with 400 problem details naming the body', async () => {
    const problem = expectProblem(await t.api.request('POST', '/api/v1/auth/login', { rawBody: '{"organization": "default",' }), 400);
    expect(problem.errors?.[0].field).toBe('body');
  });

  it('names every field of the wrong type', async () => {
    const response = await t.api.post('/api/v1/auth/login', { organization: 42, email: ['a'], password: null });
    const problem = expectProblem(response, 400);
    expect(problem.errors?.map((e) => e.field).sort()).toEqual(expect.arrayContaining(['email', 'organization', 'password']));
  });

  it('refuses unknown fields by name', async () => {
    const response = await t.api.post('/api/v1/auth/login', { organization: 'default', email: 'a@b.c', password: 'x', isAdmin: true });
    const problem = expectProblem(response, 400);
    expect(problem.errors).toEqual([{ field: 'isAdmin', message: expect.stringContaining('should not exist') }]);
  });

  it('refuses an oversize body with 413 before reading it', async () => {
    const huge = JSON.stringify({ organization: 'default', email: 'a@b.c', password: 'x'.repeat(70_000) });
    expectProblem(await t.api.request('POST', '/api/v1/auth/login', { rawBody: huge }), 413);
  });

  it('refuses a body of an unsupported media type with 415', async () => {
    const response = await t.api.request('POST', '/api/v1/auth/login', { rawBody: '<login/>', headers: { 'content-type': 'application/xml' } });
    expectProblem(response, 415);
  });

  it('answers an unknown route with a 404 problem', async () => {
    expectProblem(await t.api.get('/api/v1/nothing-here'), 404);
  });

  it('names bad query parameters', async () => {
    const token = await t.adminToken();
    const problem = expectProblem(await t.api.get('/api/v1/audit/events?limit=5000&from=yesterday&type=DROP%20TABLE', token), 400);
    expect(problem.errors?.map((e) => e.field).sort()).toEqual(['from', 'limit', 'type']);
    expectProblem(await t.api.get('/api/v1/audit/events?cursor=not-a-cursor', token), 400);
    expectProblem(await t.api.get('/api/v1/audit/export?format=xml', token), 400);
  });

  it('refuses a malformed invitation token without a 500', async () => {
    expectProblem(await t.api.get('/api/v1/invitations/accept/%27%20or%201%3D1'), 404);
    const accept = await t.api.post('/api/v1/invitations/accept', { token: 'x'.repeat(40), name: 'A', password: 'long enough password' });
    expectProblem(accept, 404);
  });

  it('echoes a sent X-Request-Id and makes one up otherwise', async () => {
    const echoed = await t.api.request('GET', '/health/live', { headers: { 'x-request-id': 'trace-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-123');
    const made = await t.api.get('/health/live');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends a JSON answer OWASP’s REST security headers and none a browser document alone needs', async () => {
    for (const response of [await t.api.get('/health/live'), await t.api.get('/api/v1/me'), await t.api.get('/api/v1/no-such-thing')]) {
      expect(response.headers.get('content-type')).toMatch(/json/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(response.headers.get('strict-transport-security')).toContain('max-age=');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      for (const browserOnly of ['x-xss-protection', 'x-dns-prefetch-control', 'x-download-options', 'origin-agent-cluster', 'cross-origin-opener-policy', 'x-permitted-cross-domain-policies']) {
        expect(response.headers.get(browserOnly)).toBeNull();
      }
    }
  });

  it('keeps a route’s own Cache-Control over the no-store default', async () => {
    const response = await t.api.get('/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
  });

  it('sends an HTML document helmet’s full browser set, with its own content security policy', async () => {
    const docs = await t.api.request('GET', '/api/docs');
    const page = await t.api.request('GET', '/sign-in');
    for (const response of [docs, page]) {
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('strict-transport-security')).toContain('max-age=');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(response.headers.get('origin-agent-cluster')).toBe('?1');
      expect(response.headers.get('x-xss-protection')).toBe('0');
      expect(response.headers.get('x-dns-prefetch-control')).toBe('off');
      expect(response.headers.get('x-download-options')).toBe('noopen');
      expect(response.headers.get('x-permitted-cross-domain-policies')).toBe('none');
    }
    // the OpenAPI UI loads its own scripts and styles; a page loads no script at all
    expect(docs.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(docs.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('content-security-policy')).toContain("script-src 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
  });
});
