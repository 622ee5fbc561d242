import { eventually, startTestApp, type TestApp } from '../../support/test-app';
import { createUser, organizationId } from '../../support/users';

describe('sign-in follows the account’s lifecycle', () => {
  let t: TestApp;
  let admin: string;
  let org: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.adminToken();
    org = await organizationId(t);
  });

  afterAll(async () => {
    await t.close();
  });

  async function query<T>(sql: string, params: unknown[]): Promise<T[]> {
    const client = await t.env.sql();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  it('ends a deactivated user’s sessions, so reactivation does not bring old refresh tokens back', async () => {
    const user = await createUser(t, { organizationId: org, role: 'Developer' });
    const tokens = await t.api.post<{ accessToken: string; refreshToken: string }>('/api/v1/auth/login', { organization: 'default', email: user.email, password: user.password });
    expect((await t.api.post(`/api/v1/users/${user.id}/deactivate`, {}, admin)).status).toBe(200);
    expect((await t.api.get('/api/v1/me', tokens.body.accessToken)).status).toBe(401);
    await eventually(async () => {
      const rows = await query<{ n: number }>('select count(*)::int as n from sessions where user_id = $1 and revoked_at is null', [user.id]);
      return rows[0].n === 0 ? true : undefined;
    }, 10_000, 'the sessions to end');
    expect((await t.api.post(`/api/v1/users/${user.id}/reactivate`, {}, admin)).status).toBe(200);
    expect((await t.api.post('/api/v1/auth/refresh', { refreshToken: tokens.body.refreshToken })).status).toBe(401);
    expect((await t.api.post('/api/v1/auth/login', { organization: 'default', email: user.email, password: user.password })).status).toBe(200);
  });

  it('erases what sign-in kept about a removed user: sessions’ IP and device, keys, the second factor', async () => {
    const user = await createUser(t, { organizationId: org, role: 'Developer' });
    const token = await t.api.login('default', user.email, user.password);
    const key = await t.api.post<{ id: string; key: string }>('/api/v1/me/api-keys', { name: 'k', scopes: ['organization:read'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() }, token);
    expect(key.status).toBe(201);
    expect((await t.api.post('/api/v1/me/mfa/totp', {}, token)).status).toBe(200);

    expect((await t.api.request('DELETE', `/api/v1/users/${user.id}`, { token: admin })).status).toBe(204);
    expect((await t.api.get('/api/v1/organization', key.body.key)).status).toBe(401);
    await eventually(async () => {
      const rows = await query('select 1 from events where type = $1 and subject->>$2 = $3', ['auth.user_data_erased', 'id', user.id]);
      return rows.length ? true : undefined;
    }, 10_000, 'the sign-in data to be erased');
    const [sessions] = await query<{ live: number; traces: number }>(
      'select count(*) filter (where revoked_at is null)::int as live, count(*) filter (where ip is not null or user_agent is not null)::int as traces from sessions where user_id = $1',
      [user.id],
    );
    expect(sessions).toEqual({ live: 0, traces: 0 });
    expect(await query('select 1 from user_mfa where user_id = $1', [user.id])).toHaveLength(0);
    expect(await query('select 1 from api_keys where user_id = $1 and revoked_at is null', [user.id])).toHaveLength(0);
    expect((await t.api.get('/api/v1/audit/verify', admin)).body).toMatchObject({ valid: true });
  });
});
