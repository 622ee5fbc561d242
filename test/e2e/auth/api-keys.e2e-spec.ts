import { startTestApp, type TestApp } from '../../support/test-app';
import { createUser, organizationId } from '../../support/users';

interface CreatedKey {
  id: string;
  key: string;
  prefix: string;
  scopes: string[];
}

describe('personal API keys', () => {
  let t: TestApp;
  let admin: string;
  const inAMonth = () => new Date(Date.now() + 30 * 86_400_000).toISOString();

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.adminToken();
  });

  afterAll(async () => {
    await t.close();
  });

  async function createKey(token: string, scopes: string[], name = 'ci'): Promise<CreatedKey> {
    const response = await t.api.post<CreatedKey>('/api/v1/me/api-keys', { name, scopes, expiresAt: inAMonth() }, token);
    expect(response.status).toBe(201);
    return response.body;
  }

  it('shows the key once, with a recognisable prefix, and stores only its hash', async () => {
    const created = await createKey(admin, ['audit:read']);
    expect(created.key).toMatch(/^ghk_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const list = await t.api.get<{ items: Record<string, unknown>[] }>('/api/v1/me/api-keys', admin);
    expect(list.body.items.find((k) => k.id === created.id)).not.toHaveProperty('key');
    const sql = await t.env.sql();
    try {
      const { rows } = await sql.query('select key_hash from api_keys where id = $1', [created.id]);
      expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
      const leaked = await sql.query("select count(*)::int as n from events where payload::text like '%' || $1 || '%'", [created.key]);
      expect(leaked.rows[0].n).toBe(0);
    } finally {
      await sql.end();
    }
  });

  it('works wherever a JWT does, limited to its scopes, and records its last use', async () => {
    const created = await createKey(admin, ['audit:read', 'organization:read']);
    expect((await t.api.get('/api/v1/audit/events', created.key)).status).toBe(200);
    expect((await t.api.get('/api/v1/organization', created.key)).status).toBe(200);
    expect((await t.api.get('/api/v1/me', created.key)).status).toBe(200);
    // its owner may export and change policies; the key may not
    expect((await t.api.get('/api/v1/audit/export', created.key)).status).toBe(403);
    expect((await t.api.request('PUT', '/api/v1/policies', { token: created.key, body: {} })).status).toBe(403);
    const list = await t.api.get<{ items: { id: string; lastUsedAt: string | null; lastUsedIp: string | null }[] }>('/api/v1/me/api-keys', admin);
    expect(list.body.items.find((k) => k.id === created.id)).toMatchObject({ lastUsedAt: expect.any(String), lastUsedIp: '127.0.0.1' });
  });

  it('refuses scopes beyond the owner’s permissions, unknown scopes and a bad expiry, naming each', async () => {
    const org = await organizationId(t);
    const dev = await createUser(t, { organizationId: org, role: 'Developer' });
    const token = await t.api.login('default', dev.email, dev.password);
    const response = await t.api.post('/api/v1/me/api-keys', { name: 'x', scopes: ['users:read', 'audit:export', 'made:up'], expiresAt: '2001-01-01T00:00:00Z' }, token);
    expect(response.status).toBe(400);
    expect((response.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['scopes[1]', 'scopes[2]', 'expiresAt']);
  });

  it('refuses a revoked key and a deactivated owner’s key', async () => {
    const created = await createKey(admin, ['audit:read']);
    expect((await t.api.request('DELETE', `/api/v1/me/api-keys/${created.id}`, { token: admin })).status).toBe(204);
    expect((await t.api.get('/api/v1/audit/events', created.key)).status).toBe(401);

    const org = await organizationId(t);
    const dev = await createUser(t, { organizationId: org, role: 'Developer' });
    const devToken = await t.api.login('default', dev.email, dev.password);
    const devKey = await createKey(devToken, ['organization:read']);
    expect((await t.api.get('/api/v1/organization', devKey.key)).status).toBe(200);
    const sql = await t.env.sql();
    try {
      // deactivation arrives with the users issue; its effect on keys is what is checked here
      await sql.query("update users set status = 'deactivated' where id = $1", [dev.id]);
    } finally {
      await sql.end();
    }
    expect((await t.api.get('/api/v1/organization', devKey.key)).status).toBe(401);
    expect((await t.api.get('/api/v1/organization', 'ghk_' + 'x'.repeat(43))).status).toBe(401);
  });

  it('keeps a Viewer’s keys read-only and rate-limited', async () => {
    const org = await organizationId(t);
    const viewer = await createUser(t, { organizationId: org, role: 'Viewer' });
    const token = await t.api.login('default', viewer.email, viewer.password);
    const key = await createKey(token, ['organization:read']);
    expect((await t.api.request('POST', '/api/v1/me/api-keys', { token: key.key, body: { name: 'n', scopes: ['organization:read'], expiresAt: inAMonth() } })).status).toBe(403);
    let limited: { status: number; headers: Headers } | undefined;
    for (let i = 0; i < 70 && !limited; i++) {
      const response = await t.api.get('/api/v1/organization', key.key);
      if (response.status === 429) limited = response;
      else expect(response.status).toBe(200);
    }
    expect(limited?.headers.get('retry-after')).toBeTruthy();
  });

  it('hides other users’ keys: revoking one is a 404', async () => {
    const created = await createKey(admin, ['audit:read']);
    const org = await organizationId(t);
    const dev = await createUser(t, { organizationId: org, role: 'Developer' });
    const devToken = await t.api.login('default', dev.email, dev.password);
    expect((await t.api.request('DELETE', `/api/v1/me/api-keys/${created.id}`, { token: devToken })).status).toBe(404);
  });

  it('limited to users:read, reads users and cannot invite', async () => {
    const created = await createKey(admin, ['users:read']);
    const users = await t.api.get<{ items: unknown[] }>('/api/v1/users', created.key);
    expect(users.status).toBe(200);
    expect(users.body.items.length).toBeGreaterThan(0);
    const invite = await t.api.post('/api/v1/invitations', { email: 'new.person@example.com', role: 'Viewer' }, created.key);
    expect(invite.status).toBe(403);
    expect((await t.api.post('/api/v1/invitations', { email: 'new.person@example.com', role: 'Viewer' }, admin)).status).toBe(201);
  });

  it('cannot change its owner’s own account: profile, keys, MFA and sessions need a session', async () => {
    const created = await createKey(admin, ['organization:read', 'users:read']);
    expect((await t.api.request('PATCH', '/api/v1/me', { token: created.key, body: { name: 'Mallory' } })).status).toBe(403);
    expect((await t.api.post('/api/v1/me/api-keys', { name: 'more', scopes: ['users:read'], expiresAt: inAMonth() }, created.key)).status).toBe(403);
    expect((await t.api.post('/api/v1/me/mfa/totp', {}, created.key)).status).toBe(403);
    expect((await t.api.request('DELETE', '/api/v1/me/sessions', { token: created.key })).status).toBe(403);
    expect((await t.api.get('/api/v1/me', created.key)).status).toBe(200);
  });
});
