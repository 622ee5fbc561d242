import { eventually, startTestApp, type TestApp } from '../../support/test-app';

describe('operations endpoints', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers liveness and readiness with PostgreSQL and Redis checked', async () => {
    expect((await t.api.get('/health/live')).body).toEqual({ status: 'ok' });
    const ready = await t.api.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { postgres: 'up', redis: 'up' } });
  });

  it('exposes Prometheus metrics: HTTP latency, queue depth, outbox backlog and projection lag', async () => {
    await t.adminToken();
    const text = await eventually(async () => {
      const metrics = await t.api.get('/metrics');
      return /gatehouse_projection_lag_seconds_count\{projection="audit_log"\} [1-9]/.test(metrics.text) ? metrics.text : undefined;
    }, 10_000, 'a projection to be measured');
    expect(text).toMatch(/gatehouse_http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/auth\/login"[^}]*status="200"/);
    expect(text).toMatch(/gatehouse_queue_jobs\{queue="audit",state="waiting"\} \d+/);
    expect(text).toMatch(/gatehouse_outbox_backlog \d+/);
  });

  it('serves the OpenAPI document and its UI', async () => {
    const doc = await t.api.get<{ openapi: string; paths: Record<string, unknown> }>('/api/docs-json');
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/me', '/api/v1/organizations', '/api/v1/audit/events', '/api/v1/audit/export', '/api/v1/audit/verify']),
    );
    const ui = await t.api.get('/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });
});
