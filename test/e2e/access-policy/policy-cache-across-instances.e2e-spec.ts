import { eventually, startTestApp, type TestApp } from '../../support/test-app';
import { createUser, organizationId } from '../../support/users';

// Two instances on one database and Redis, each holding the policy in memory: a change saved
// on A must reach B's next requests at once (Redis pub/sub), not at its cache's minute.
describe('the policy cache across instances', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp({ overrides: { TRUST_PROXY: '127.0.0.1' } });
    b = await startTestApp({ env: a.env, overrides: { TRUST_PROXY: '127.0.0.1' } });
  });

  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('refuses on B as soon as A saves a restriction, and lets in on B as soon as A lifts it', async () => {
    const admin = await a.adminToken();
    const user = await createUser(a, { organizationId: await organizationId(a), role: 'Developer' });
    const token = await b.api.login('default', user.email, user.password);
    const fromOutside = () => b.api.request('GET', '/api/v1/me', { token, headers: { 'x-forwarded-for': '198.51.100.20' } });
    // B has read (and keeps) the unrestricted policy
    expect((await fromOutside()).status).toBe(200);

    const restrict = await a.api.request('PUT', '/api/v1/policies', { token: admin, body: { ipAllowlist: [{ cidr: '203.0.113.0/24', roles: ['Developer'] }] } });
    expect(restrict.status).toBe(200);
    await eventually(async () => ((await fromOutside()).status === 403 ? true : undefined), 2_000, 'B to refuse');

    expect((await a.api.request('PUT', '/api/v1/policies', { token: admin, body: {} })).status).toBe(200);
    await eventually(async () => ((await fromOutside()).status === 200 ? true : undefined), 2_000, 'B to let in');
  });
});
