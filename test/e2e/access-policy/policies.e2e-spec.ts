import { startTestApp, type TestApp } from '../../support/test-app';
import { createUser, organizationId } from '../../support/users';

describe('the organization’s policies', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.adminToken();
  });

  afterAll(async () => {
    await t.close();
  });

  it('serves the defaults until a document is saved, with its version as ETag', async () => {
    const response = await t.api.get('/api/v1/policies', admin);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"0"');
    expect(response.body).toEqual({
      password: { minLength: 12, maxLength: 128, history: 5, expiryDays: null, requireComposition: false },
      session: { maxLifetimeMinutes: 10080, idleTimeoutMinutes: 1440 },
      mfa: { requiredForRoles: [] },
      invitations: { ttlDays: 7 },
      ssoOnly: false,
      breakGlassUsers: [],
    });
  });

  it('saves a document, refuses a stale If-Match with 412, and records the change', async () => {
    const saved = await t.api.request('PUT', '/api/v1/policies', {
      token: admin,
      body: { password: { minLength: 14 }, session: { maxLifetimeMinutes: 600, idleTimeoutMinutes: 60 } },
      headers: { 'if-match': '"0"' },
    });
    expect(saved.status).toBe(200);
    expect(saved.headers.get('etag')).toBe('"1"');
    expect(saved.body).toMatchObject({ password: { minLength: 14 }, session: { maxLifetimeMinutes: 600 } });
    const stale = await t.api.request('PUT', '/api/v1/policies', { token: admin, body: {}, headers: { 'if-match': '"0"' } });
    expect(stale.status).toBe(412);

    const sql = await t.env.sql();
    try {
      const { rows } = await sql.query("select payload from events where type = 'policy.updated'");
      expect(rows).toHaveLength(1);
      expect(rows[0].payload.changedSections).toEqual(['password', 'session']);
    } finally {
      await sql.end();
    }
  });

  it('names every bad field', async () => {
    const response = await t.api.request('PUT', '/api/v1/policies', {
      token: admin,
      body: {
        password: { minLength: 7, history: 99 },
        session: { idleTimeoutMinutes: 2 },
        mfa: { requiredForRoles: ['Wizard'] },
        invitations: { ttlDays: 91 },
        sso: true,
      },
    });
    expect(response.status).toBe(400);
    expect((response.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(
      ['invitations.ttlDays', 'mfa.requiredForRoles', 'password.history', 'password.minLength', 'session.idleTimeoutMinutes', 'sso'].sort(),
    );
  });

  it('keeps policies to those who may manage them', async () => {
    const manager = await createUser(t, { organizationId: await organizationId(t), role: 'Manager' });
    const token = await t.api.login('default', manager.email, manager.password);
    expect((await t.api.get('/api/v1/policies', token)).status).toBe(403);
    expect((await t.api.request('PUT', '/api/v1/policies', { token, body: {} })).status).toBe(403);
  });

  it('applies the session lifetime to new sessions', async () => {
    const login = await t.api.post<{ accessToken: string }>('/api/v1/auth/login', { organization: 'default', email: 'admin@example.com', password: 'correct horse battery staple' });
    const sessions = await t.api.get<{ items: { current: boolean; createdAt: string; expiresAt: string }[] }>('/api/v1/me/sessions', login.body.accessToken);
    const current = sessions.body.items.find((s) => s.current)!;
    expect(Date.parse(current.expiresAt) - Date.parse(current.createdAt)).toBe(600 * 60_000);
  });
});
