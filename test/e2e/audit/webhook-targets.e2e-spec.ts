import { startTestApp, type TestApp } from '../../support/test-app';

/** The default: webhooks reach only https targets on public addresses (no SSRF into the cluster). */
describe('webhook targets without WEBHOOK_ALLOW_PRIVATE_TARGETS', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
  });

  afterAll(async () => {
    await t.close();
  });

  it.each([
    'http://93.184.216.34/hook',
    'https://127.0.0.1/hook',
    'https://localhost/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://10.0.0.8/hook',
    'https://[::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://user:pass@93.184.216.34/hook',
  ])('refuses %s, naming url', async (url) => {
    const response = await t.api.post<{ errors: { field: string }[] }>('/api/v1/audit/webhooks', { url, eventTypes: ['*'] }, token);
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('url');
    expect(await t.env.scalar('select count(*) from audit_webhooks')).toBe(0);
  });
});
