import { startTestApp, type TestApp } from '../../support/test-app';
import { createUser, organizationId } from '../../support/users';

type Role = 'Administrator' | 'Manager' | 'Developer' | 'Viewer' | 'Security Analyst';

/**
 * Each built-in role (and a custom "Security Analyst" holding audit:read only) against each
 * protected endpoint, as PRODUCT.md describes the roles: Administrators everything; Managers
 * teams, deployment, monitoring and invitations; Developers and Viewers read.
 */
const MATRIX: { name: string; method: string; path: (ids: Ids) => string; body?: (ids: Ids) => unknown; allowed: Role[] }[] = [
  { name: 'list users', method: 'GET', path: () => '/api/v1/users', allowed: ['Administrator', 'Manager', 'Developer', 'Viewer'] },
  { name: 'invite', method: 'POST', path: () => '/api/v1/invitations', body: () => ({ email: `m${Math.random()}@example.com`, role: 'Viewer' }), allowed: ['Administrator', 'Manager'] },
  { name: 'list teams', method: 'GET', path: () => '/api/v1/teams', allowed: ['Administrator', 'Manager', 'Developer', 'Viewer'] },
  { name: 'create team', method: 'POST', path: () => '/api/v1/teams', body: () => ({ name: `t-${Math.random()}` }), allowed: ['Administrator', 'Manager'] },
  { name: 'set team grants', method: 'PUT', path: (ids) => `/api/v1/teams/${ids.team}/permissions`, body: () => ({ grants: [] }), allowed: ['Administrator', 'Manager'] },
  { name: 'list roles', method: 'GET', path: () => '/api/v1/roles', allowed: ['Administrator', 'Manager', 'Developer', 'Viewer'] },
  { name: 'create role', method: 'POST', path: () => '/api/v1/roles', body: () => ({ name: `r-${Date.now()}-${Math.floor(Math.random() * 1e6)}`, permissions: [] }), allowed: ['Administrator'] },
  { name: 'list resources', method: 'GET', path: () => '/api/v1/resources', allowed: ['Administrator', 'Manager', 'Developer', 'Viewer'] },
  { name: 'register resource', method: 'POST', path: () => '/api/v1/resources', body: () => ({ type: 'device', externalId: `d-${Math.random()}`, name: 'd' }), allowed: ['Administrator'] },
  { name: 'set resource grants', method: 'PUT', path: (ids) => `/api/v1/resources/${ids.resource}/permissions`, body: () => ({ grants: [] }), allowed: ['Administrator'] },
  { name: 'read the audit trail', method: 'GET', path: () => '/api/v1/audit/events', allowed: ['Administrator', 'Security Analyst'] },
  { name: 'read policies', method: 'GET', path: () => '/api/v1/policies', allowed: ['Administrator'] },
  { name: 'ask about another user', method: 'POST', path: () => '/api/v1/authz/check', body: (ids) => ({ userId: ids.other, action: 'deploy', resource: { type: 'application' } }), allowed: ['Administrator'] },
  { name: 'ask about oneself', method: 'POST', path: () => '/api/v1/authz/check', body: () => ({ action: 'deploy', resource: { type: 'application' } }), allowed: ['Administrator', 'Manager', 'Developer', 'Viewer', 'Security Analyst'] },
];

interface Ids {
  team: string;
  resource: string;
  other: string;
}

describe('the role matrix: who may use which protected endpoint', () => {
  let t: TestApp;
  const tokens = {} as Record<Role, string>;
  let ids: Ids;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await t.adminToken();
    const orgId = await organizationId(t);
    const analyst = await t.api.post('/api/v1/roles', { name: 'Security Analyst', permissions: ['audit:read'] }, admin);
    expect(analyst.status).toBe(201);
    for (const role of ['Administrator', 'Manager', 'Developer', 'Viewer', 'Security Analyst'] as Role[]) {
      const user = await createUser(t, { organizationId: orgId, role });
      tokens[role] = await t.api.login('default', user.email, user.password);
    }
    const other = await createUser(t, { organizationId: orgId, role: 'Viewer' });
    ids = {
      team: (await t.api.post<{ id: string }>('/api/v1/teams', { name: 'Matrix' }, admin)).body.id,
      resource: (await t.api.post<{ id: string }>('/api/v1/resources', { type: 'application', externalId: 'm', name: 'm' }, admin)).body.id,
      other: other.id,
    };
  });

  afterAll(async () => {
    await t?.close();
  });

  const cases = MATRIX.flatMap((entry) =>
    (['Administrator', 'Manager', 'Developer', 'Viewer', 'Security Analyst'] as Role[]).map((role) => [entry.name, role, entry.allowed.includes(role) ? 'allowed' : 'denied', entry] as const),
  );

  it.each(cases)('%s as %s: %s', async (_name, role, expected, entry) => {
    const response = await t.api.request(entry.method, entry.path(ids), { token: tokens[role], body: entry.body?.(ids) });
    if (expected === 'allowed') expect([200, 201]).toContain(response.status);
    else expect(response.status).toBe(403);
  });

  it('gives a custom role’s holders its edits on their very next request, with the token in hand', async () => {
    const admin = await t.adminToken();
    const roles = await t.api.get<{ items: { id: string; name: string }[] }>('/api/v1/roles', admin);
    const analyst = roles.body.items.find((role) => role.name === 'Security Analyst')!;
    expect((await t.api.get('/api/v1/users', tokens['Security Analyst'])).status).toBe(403);
    expect((await t.api.request('PATCH', `/api/v1/roles/${analyst.id}`, { body: { permissions: ['audit:read', 'users:read'] }, token: admin })).status).toBe(200);
    expect((await t.api.get('/api/v1/users', tokens['Security Analyst'])).status).toBe(200);
  });

  it('keeps the privilege rules for custom roles: nobody creates, edits or assigns one beyond what they hold', async () => {
    const admin = await t.adminToken();
    // a Manager holds no audit:read: it may not give the analyst role, nor make one
    const target = (await t.api.get<{ items: { id: string; role: string }[] }>('/api/v1/users?role=Viewer', admin)).body.items[0];
    expect((await t.api.request('PUT', `/api/v1/users/${target.id}/role`, { body: { role: 'Security Analyst' }, token: tokens.Manager })).status).toBe(403);
    expect((await t.api.request('PUT', `/api/v1/users/${target.id}/role`, { body: { role: 'Security Analyst' }, token: admin })).status).toBe(200);
    const key = await t.api.post<{ key: string }>('/api/v1/me/api-keys', { name: 'roles', scopes: ['roles:manage', 'audit:read'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() }, admin);
    const beyond = await t.api.post('/api/v1/roles', { name: 'Exporter', permissions: ['audit:export'] }, key.body.key);
    expect(beyond.status).toBe(403);
    expect((await t.api.post('/api/v1/roles', { name: 'Reader', permissions: ['audit:read'] }, key.body.key)).status).toBe(201);
    // a batch invites into custom roles like a single invitation does, under the same rule
    const rows = [
      { email: `analyst-${Date.now()}@example.com`, role: 'reader' },
      { email: `ghost-${Date.now()}@example.com`, role: 'No Such Role' },
    ];
    const batch = await t.api.post<{ results: { status: string; error?: { field: string } }[] }>('/api/v1/invitations/batch', rows, admin);
    expect(batch.body.results.map((result) => result.status)).toEqual(['invited', 'error']);
    expect(batch.body.results[1].error).toMatchObject({ field: 'role' });
    const byManager = await t.api.post<{ results: { status: string }[] }>('/api/v1/invitations/batch', [{ email: `m-${Date.now()}@example.com`, role: 'Reader' }], tokens.Manager);
    expect(byManager.body.results[0].status).toBe('error');
    expect((await t.api.post('/api/v1/roles', { name: 'viewer', permissions: [] }, admin)).status).toBe(409);
    const badPermission = await t.api.post('/api/v1/roles', { name: 'Odd', permissions: ['made:up'] }, admin);
    expect(badPermission.status).toBe(400);
    expect(badPermission.body.errors).toEqual([expect.objectContaining({ field: 'permissions' })]);
  });

  it('refuses to delete a role in use without a replacement, and moves its holders to the one named', async () => {
    const admin = await t.adminToken();
    const analyst = (await t.api.get<{ items: { id: string; name: string }[] }>('/api/v1/roles', admin)).body.items.find((role) => role.name === 'Security Analyst')!;
    const refused = await t.api.request('DELETE', `/api/v1/roles/${analyst.id}`, { token: admin });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ errors: [{ field: 'replacement' }] });
    expect((await t.api.request('DELETE', `/api/v1/roles/${analyst.id}?replacement=Nobody`, { token: admin })).status).toBe(400);
    const deleted = await t.api.request('DELETE', `/api/v1/roles/${analyst.id}?replacement=Viewer`, { token: admin });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ reassignedUsers: 2 });
    // the holder's old token (it named the deleted role) stops at once
    expect((await t.api.get('/api/v1/users', tokens['Security Analyst'])).status).toBe(401);
  });
});
