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
    // through the command, as every change is made: its event is what ends the key's cached standing
    expect((await t.api.post(`/api/v1/users/${dev.id}/deactivate`, {}, admin)).status).toBe(200);
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
    // reading it takes the scope account:read (see below); changing it, a session, whatever the scopes
    const reader = await createKey(admin, ['account:read']);
    expect((await t.api.request('PATCH', '/api/v1/me', { token: reader.key, body: { name: 'Mallory' } })).status).toBe(403);
  });

  it('reads its owner’s own account (profile, sessions, keys) only when scoped to account:read', async () => {
    const unscoped = await createKey(admin, ['organization:read', 'users:read', 'audit:read']);
    for (const path of ['/api/v1/me', '/api/v1/me/sessions', '/api/v1/me/api-keys']) {
      const refused = await t.api.get(path, unscoped.key);
      expect([path, refused.status, refused.body.code]).toEqual([path, 403, 'ACCESS.MISSING_PERMISSION']);
    }
    const scoped = await createKey(admin, ['account:read']);
    for (const path of ['/api/v1/me', '/api/v1/me/sessions', '/api/v1/me/api-keys']) {
      expect([path, (await t.api.get(path, scoped.key)).status]).toEqual([path, 200]);
    }
    // the permission is in the catalogue, and every built-in role holds it, so sessions read as before
    const me = await t.api.get<{ permissions: string[] }>('/api/v1/me', admin);
    expect(me.body.permissions).toContain('account:read');
    const org = await organizationId(t);
    const viewer = await createUser(t, { organizationId: org, role: 'Viewer' });
    const viewerToken = await t.api.login('default', viewer.email, viewer.password);
    expect((await t.api.get('/api/v1/me/sessions', viewerToken)).status).toBe(200);
  });

  it('is refused on routes that declare no permission (sign-out, password), whatever its scopes', async () => {
    const everything = await createKey(admin, (await t.api.get<{ permissions: string[] }>('/api/v1/me', admin)).body.permissions);
    const logout = await t.api.post('/api/v1/auth/logout', {}, everything.key);
    expect([logout.status, logout.body.code]).toEqual([403, 'ACCESS.SESSION_REQUIRED']);
    const password = await t.api.post('/api/v1/me/password', { currentPassword: 'x', newPassword: 'y'.repeat(20) }, everything.key);
    expect(password.status).toBe(403);
  });

  it('invites only within its scopes: an invite-scoped key cannot mint an Administrator, alone or in a batch', async () => {
    const inviteOnly = await createKey(admin, ['users:invite']);
    const single = await t.api.post('/api/v1/invitations', { email: 'would-be-admin@example.com', role: 'Administrator' }, inviteOnly.key);
    expect(single.status).toBe(403);
    expect(single.body).toMatchObject({ code: 'INVITATIONS.ROLE_NOT_ASSIGNABLE', errors: [{ field: 'role' }] });
    const batch = await t.api.post<{ results: { status: string; error?: { code: string; field: string } }[] }>(
      '/api/v1/invitations/batch',
      [{ email: 'batch-admin@example.com', role: 'Administrator' }, { email: 'batch-manager@example.com', role: 'Manager' }],
      inviteOnly.key,
    );
    expect(batch.status).toBe(207);
    expect(batch.body.results.map((r) => [r.status, r.error?.code, r.error?.field])).toEqual([
      ['error', 'INVITATIONS.ROLE_NOT_ASSIGNABLE', 'role'],
      ['error', 'INVITATIONS.ROLE_NOT_ASSIGNABLE', 'role'],
    ]);
    const sql = await t.env.sql();
    try {
      const { rows } = await sql.query("select count(*)::int as n from users where email_normalized like '%admin@example.com' and email_normalized <> 'admin@example.com'");
      expect(rows[0].n).toBe(0);
    } finally {
      await sql.end();
    }

    // a key carrying every permission of Viewer may invite a Viewer, and only that
    const viewerPermissions = ['account:read', 'organization:read', 'users:read', 'teams:read', 'dashboards:read', 'resources:read', 'reports:generate', 'api:access'];
    const viewerGranting = await createKey(admin, ['users:invite', ...viewerPermissions]);
    expect((await t.api.post('/api/v1/invitations', { email: 'a-viewer@example.com', role: 'Viewer' }, viewerGranting.key)).status).toBe(201);
    expect((await t.api.post('/api/v1/invitations', { email: 'a-developer@example.com', role: 'Developer' }, viewerGranting.key)).status).toBe(403);

    // nor can it send again an Administrator's invitation its owner sent
    const pending = await t.api.post<{ id: string }>('/api/v1/invitations', { email: 'real-admin@example.com', role: 'Administrator' }, admin);
    expect(pending.status).toBe(201);
    const resend = await t.api.post(`/api/v1/invitations/${pending.body.id}/resend`, {}, viewerGranting.key);
    expect([resend.status, resend.body.code]).toEqual([403, 'INVITATIONS.ROLE_NOT_ASSIGNABLE']);
    expect((await t.api.post(`/api/v1/invitations/${pending.body.id}/resend`, {}, admin)).status).toBe(200);
  });

  it('assigns only roles within its scopes', async () => {
    const org = await organizationId(t);
    const dev = await createUser(t, { organizationId: org, role: 'Developer' });
    const assigner = await createKey(admin, ['roles:assign', 'users:read']);
    const refused = await t.api.request('PUT', `/api/v1/users/${dev.id}/role`, { token: assigner.key, body: { role: 'Administrator' } });
    expect([refused.status, refused.body.code]).toEqual([403, 'USERS.PRIVILEGE']);
    expect(refused.body.detail).toMatch(/holds permissions you do not/);
    const user = await t.api.get<{ role: string }>(`/api/v1/users/${dev.id}`, admin);
    expect(user.body.role).toBe('Developer');
  });

  it('cannot act on its own owner through the administrators’ routes either', async () => {
    const me = await t.api.get<{ id: string }>('/api/v1/me', admin);
    const key = await createKey(admin, ['users:read', 'users:manage', 'roles:assign']);
    const attempts: [string, string, unknown?][] = [
      ['POST', `/api/v1/users/${me.body.id}/mfa/reset`],
      ['PATCH', `/api/v1/users/${me.body.id}`, { name: 'Mallory' }],
      ['PUT', `/api/v1/users/${me.body.id}/role`, { role: 'Administrator' }],
      ['POST', `/api/v1/users/${me.body.id}/unlock`],
      ['DELETE', `/api/v1/users/${me.body.id}/sessions`],
      ['POST', `/api/v1/users/${me.body.id}/deactivate`],
      ['POST', `/api/v1/users/${me.body.id}/reactivate`],
      ['DELETE', `/api/v1/users/${me.body.id}`],
      // the same id spelled in capitals names the same user
      ['POST', `/api/v1/users/${me.body.id.toUpperCase()}/mfa/reset`],
    ];
    for (const [method, path, body] of attempts) {
      const response = await t.api.request(method, path, { token: key.key, body: body ?? {} });
      expect([method, path, response.status, response.body.code]).toEqual([method, path, 403, 'ACCESS.KEY_OWNER_TARGET']);
    }
    const profile = await t.api.get<{ name: string | null }>('/api/v1/users/' + me.body.id, admin);
    expect(profile.body.name).not.toBe('Mallory');
    // on another user the same key works
    const org = await organizationId(t);
    const dev = await createUser(t, { organizationId: org, role: 'Developer' });
    expect((await t.api.post(`/api/v1/users/${dev.id}/unlock`, {}, key.key)).status).toBe(200);
    expect((await t.api.request('PATCH', `/api/v1/users/${dev.id}`, { token: key.key, body: { name: 'Dev' } })).status).toBe(200);
  });

  it('leaves no administrators’ write on a user without the owner-target check (read from the OpenAPI document)', async () => {
    const docs = await t.api.get<{ paths: Record<string, Record<string, { responses: Record<string, { description?: string }> }>> }>('/api/docs-json');
    const writes = Object.entries(docs.body.paths)
      .filter(([path]) => /^\/api\/v1\/(users\/\{id\}|platform-operators\/\{userId\})/.test(path))
      .flatMap(([path, operations]) => Object.entries(operations).filter(([method]) => method !== 'get').map(([method, operation]) => ({ route: `${method} ${path}`, operation })));
    expect(writes.length).toBeGreaterThanOrEqual(10);
    const unchecked = writes.filter(({ operation }) => !/its own owner/.test(operation.responses['403']?.description ?? '')).map(({ route }) => route);
    expect(unchecked).toEqual([]);
  });
});
