import { startTestApp, type TestApp } from '../../support/test-app';
import { createOrganization, createUser, organizationId } from '../../support/users';

interface Operator {
  userId: string;
  grantedBy: string | null;
  grantedAt: string;
}

let slugs = 0;

describe('platform operators', () => {
  let t: TestApp;
  let operator: string;
  let operatorId: string;
  let org: string;

  beforeAll(async () => {
    t = await startTestApp();
    operator = await t.adminToken();
    operatorId = (await t.api.get<{ id: string }>('/api/v1/me', operator)).body.id;
    org = await organizationId(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const createOrg = (token: string) =>
    t.api.post('/api/v1/organizations', { name: 'Org', slug: `op-org-${++slugs}`, adminEmail: `it${slugs}@org.example` }, token);
  const grant = (userId: string, token = operator) => t.api.request('PUT', `/api/v1/platform-operators/${userId}`, { token });
  const revoke = (userId: string, token = operator) => t.api.request('DELETE', `/api/v1/platform-operators/${userId}`, { token });

  async function signedInAdministrator(): Promise<{ id: string; email: string; password: string; token: string }> {
    const user = await createUser(t, { organizationId: org, role: 'Administrator' });
    return { ...user, token: await t.api.login('default', user.email, user.password) };
  }

  async function eventsOf(userId: string): Promise<{ type: string; payload: Record<string, unknown> }[]> {
    const sql = await t.env.sql();
    try {
      const { rows } = await sql.query<{ type: string; payload: Record<string, unknown> }>(
        "select type, payload from events where subject->>'id' = $1 and type like 'platform.%' order by seq",
        [userId],
      );
      return rows;
    } finally {
      await sql.end();
    }
  }

  it('starts with the bootstrap Administrator as the only operator, granted by nobody', async () => {
    const list = await t.api.get<{ items: Operator[] }>('/api/v1/platform-operators', operator);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([expect.objectContaining({ userId: operatorId, grantedBy: null })]);
    expect(await eventsOf(operatorId)).toEqual([{ type: 'platform.operator_granted', payload: { grantedBy: null, via: 'bootstrap' } }]);
    expect(await t.env.scalar("select count(*) from information_schema.columns where table_name = 'users' and column_name = 'platform_operator'")).toBe(0);
  });

  it('grants and revokes the power with events, read fresh on the next request', async () => {
    const admin = await signedInAdministrator();
    expect((await createOrg(admin.token)).status).toBe(403);

    expect((await grant(admin.id)).status).toBe(201);
    expect((await grant(admin.id)).status).toBe(200); // already one: nothing changes
    const list = await t.api.get<{ items: Operator[] }>('/api/v1/platform-operators', operator);
    expect(list.body.items.find((item) => item.userId === admin.id)).toMatchObject({ grantedBy: operatorId });
    expect((await t.api.get<{ platformOperator: boolean }>('/api/v1/me', admin.token)).body.platformOperator).toBe(true);
    // the same token, signed in before the grant, now creates organizations
    expect((await createOrg(admin.token)).status).toBe(201);

    expect((await revoke(admin.id)).status).toBe(204);
    expect((await revoke(admin.id)).status).toBe(404);
    // and no longer, with that same still-valid token
    expect((await createOrg(admin.token)).status).toBe(403);
    expect((await t.api.post('/api/v1/signing-keys/rotate', {}, admin.token)).status).toBe(403);
    expect(await eventsOf(admin.id)).toEqual([
      { type: 'platform.operator_granted', payload: { grantedBy: operatorId, via: 'grant' } },
      { type: 'platform.operator_revoked', payload: { reason: 'revoked' } },
    ]);
  });

  it('keeps the operators’ list and grants to operators, and grants only active Administrators of the organization', async () => {
    const admin = await signedInAdministrator();
    expect((await t.api.get('/api/v1/platform-operators', admin.token)).status).toBe(403);
    expect((await grant(admin.id, admin.token)).status).toBe(403);

    const dev = await createUser(t, { organizationId: org, role: 'Developer' });
    const refused = await grant(dev.id);
    expect([refused.status, refused.body.code]).toEqual([409, 'PLATFORM.NOT_GRANTABLE']);
    const other = await createOrganization(t, 'op-elsewhere');
    const [otherAdmin] = await (async () => {
      const sql = await t.env.sql();
      try {
        return (await sql.query<{ id: string }>('select id from users where organization_id = $1', [other.id])).rows.map((row) => row.id);
      } finally {
        await sql.end();
      }
    })();
    expect((await grant(otherAdmin)).status).toBe(404);
    const self = await revoke(operatorId);
    expect([self.status, self.body.code]).toEqual([403, 'USERS.SELF']);
  });

  it('ends with a demotion: a demoted operator cannot create organizations or rotate keys, with a fresh token or an API key', async () => {
    const admin = await signedInAdministrator();
    expect((await grant(admin.id)).status).toBe(201);
    const key = await t.api.post<{ key: string }>(
      '/api/v1/me/api-keys',
      { name: 'ops', scopes: ['platform:operate'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
      admin.token,
    );
    expect(key.status).toBe(201);
    expect((await createOrg(key.body.key)).status).toBe(201);

    expect((await t.api.request('PUT', `/api/v1/users/${admin.id}/role`, { token: operator, body: { role: 'Manager' } })).status).toBe(200);
    expect(await eventsOf(admin.id)).toEqual([
      expect.objectContaining({ type: 'platform.operator_granted' }),
      { type: 'platform.operator_revoked', payload: { reason: 'demoted' } },
    ]);
    const demoted = await t.api.login('default', admin.email, admin.password);
    expect((await createOrg(demoted)).status).toBe(403);
    expect((await t.api.post('/api/v1/signing-keys/rotate', {}, demoted)).status).toBe(403);
    expect((await createOrg(key.body.key)).status).toBe(403);
    expect((await t.api.post('/api/v1/signing-keys/rotate', {}, key.body.key)).status).toBe(403);

    // made an Administrator again, they are not an operator again without a new grant
    expect((await t.api.request('PUT', `/api/v1/users/${admin.id}/role`, { token: operator, body: { role: 'Administrator' } })).status).toBe(200);
    const promoted = await t.api.login('default', admin.email, admin.password);
    const refused = await createOrg(promoted);
    expect([refused.status, refused.body.code]).toEqual([403, 'PLATFORM.OPERATOR_ONLY']);
  });

  it('ends with deactivation: reactivated, the Administrator is no operator, by token or by key', async () => {
    const admin = await signedInAdministrator();
    expect((await grant(admin.id)).status).toBe(201);
    const key = await t.api.post<{ key: string }>(
      '/api/v1/me/api-keys',
      { name: 'ops', scopes: ['platform:operate'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
      admin.token,
    );
    expect((await t.api.post(`/api/v1/users/${admin.id}/deactivate`, {}, operator)).status).toBe(200);
    expect((await t.api.post(`/api/v1/users/${admin.id}/reactivate`, {}, operator)).status).toBe(200);
    expect((await eventsOf(admin.id)).map((event) => [event.type, event.payload.reason])).toEqual([
      ['platform.operator_granted', undefined],
      ['platform.operator_revoked', 'deactivated'],
    ]);
    const token = await t.api.login('default', admin.email, admin.password);
    expect((await t.api.get<{ platformOperator: boolean }>('/api/v1/me', token)).body.platformOperator).toBe(false);
    expect((await createOrg(token)).status).toBe(403);
    const byKey = await createOrg(key.body.key);
    expect([byKey.status, byKey.body.code]).toEqual([403, 'PLATFORM.OPERATOR_ONLY']);
    expect((await t.api.post('/api/v1/signing-keys/rotate', {}, key.body.key)).status).toBe(403);
  });

  it('ends with removal', async () => {
    const admin = await signedInAdministrator();
    expect((await grant(admin.id)).status).toBe(201);
    expect((await t.api.request('DELETE', `/api/v1/users/${admin.id}`, { token: operator })).status).toBe(204);
    expect((await eventsOf(admin.id)).map((event) => event.payload.reason)).toEqual([undefined, 'removed']);
    expect(await t.env.scalar('select count(*) from platform_operator_grants where user_id = $1', [admin.id])).toBe(0);
  });
});
