import { eventually, startTestApp, type TestApp } from '../../support/test-app';
import { createOrganization, createUser, organizationId } from '../../support/users';

interface Decision {
  allowed: boolean;
  reason: string;
  rules?: { source: string; grantId?: string; permission?: string; teamId?: string }[];
}

const inAMonth = () => new Date(Date.now() + 30 * 86_400_000).toISOString();

describe('the decision API: roles, custom roles, teams and resource grants in one ability', () => {
  let t: TestApp;
  let second: TestApp | undefined;
  let admin: string;
  let orgId: string;
  const people: Record<string, { id: string; email: string; password: string; token: string }> = {};
  let teamA: string;
  let department: string;
  let appA: string;
  let appB: string;
  let report: string;

  async function person(name: string, role: string): Promise<void> {
    const user = await createUser(t, { organizationId: orgId, role });
    people[name] = { ...user, token: await t.api.login('default', user.email, user.password) };
  }

  async function check(token: string, body: Record<string, unknown>, app: TestApp = t): Promise<Decision> {
    const response = await app.api.post<Decision>('/api/v1/authz/check', body, token);
    expect(response.status).toBe(200);
    return response.body;
  }

  async function explain(token: string, body: Record<string, unknown>): Promise<Decision> {
    const response = await t.api.post<Decision>('/api/v1/authz/explain', body, token);
    expect(response.status).toBe(200);
    return response.body;
  }

  const put = (path: string, body: unknown, token: string) => t.api.request('PUT', path, { body, token });
  const deploy = (id: string, userId?: string) => ({ userId, action: 'deploy', resource: { type: 'application', id } });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.adminToken();
    orgId = await organizationId(t);
    await person('manager', 'Manager');
    await person('dev', 'Developer');
    await person('dev2', 'Developer');
    await person('viewer', 'Viewer');
    department = (await t.api.post<{ id: string }>('/api/v1/teams', { name: 'Engineering' }, admin)).body.id;
    const created = await t.api.post<{ id: string; parentId: string }>('/api/v1/teams', { name: 'Payments', parentId: department }, admin);
    expect(created.status).toBe(201);
    expect(created.body.parentId).toBe(department);
    teamA = created.body.id;
    const register = async (type: string, externalId: string) => {
      const response = await t.api.post<{ id: string }>('/api/v1/resources', { type, externalId, name: externalId }, admin);
      expect(response.status).toBe(201);
      return response.body.id;
    };
    appA = await register('application', 'app-a');
    appB = await register('application', 'app-b');
    report = await register('report', 'quarterly');
  });

  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('lets a Developer granted deploy on application A deploy A and not B, by our id or the service’s own', async () => {
    expect(await check(people.dev.token, deploy(appA))).toEqual({ allowed: false, reason: 'no_rule' });
    const granted = await put(`/api/v1/resources/${appA}/permissions`, { grants: [{ principal: { type: 'user', id: people.dev.id }, actions: ['deploy'] }] }, admin);
    expect(granted.status).toBe(200);
    expect(await check(people.dev.token, deploy(appA))).toEqual({ allowed: true, reason: 'granted' });
    expect(await check(people.dev.token, { action: 'deploy', resource: { type: 'application', externalId: 'app-a' } })).toEqual({ allowed: true, reason: 'granted' });
    expect(await check(people.dev.token, deploy(appB))).toEqual({ allowed: false, reason: 'no_rule' });
    const why = await explain(people.dev.token, deploy(appA));
    expect(why.rules).toEqual([expect.objectContaining({ source: 'grant', resourceId: appA })]);
    // a Manager deploys every application by role
    expect(await explain(people.manager.token, deploy(appB))).toMatchObject({ allowed: true, reason: 'granted', rules: [{ source: 'role', permission: 'applications:deploy' }] });
  });

  it('reaches team members and the members of teams under a department, and stops the moment they leave', async () => {
    expect((await put(`/api/v1/teams/${teamA}/members/${people.dev2.id}`, {}, admin)).status).toBe(201);
    expect((await put(`/api/v1/teams/${department}/permissions`, { grants: [{ resourceId: report, actions: ['publish'] }] }, admin)).status).toBe(200);
    expect((await put(`/api/v1/teams/${teamA}/permissions`, { grants: [{ resourceId: appB, actions: ['deploy'] }] }, admin)).status).toBe(200);
    expect(await check(people.dev2.token, deploy(appB))).toEqual({ allowed: true, reason: 'granted' });
    expect(await check(people.dev2.token, { action: 'publish', resource: { type: 'report', id: report } })).toEqual({ allowed: true, reason: 'granted' });
    expect((await t.api.request('DELETE', `/api/v1/teams/${teamA}/members/${people.dev2.id}`, { token: admin })).status).toBe(204);
    expect(await check(people.dev2.token, deploy(appB))).toEqual({ allowed: false, reason: 'no_rule' });
    expect(await check(people.dev2.token, { action: 'publish', resource: { type: 'report', id: report } })).toEqual({ allowed: false, reason: 'no_rule' });
  });

  it('answers expired_grant once a time-boxed grant has run out', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    await put(`/api/v1/resources/${report}/permissions`, { grants: [{ principal: { type: 'user', id: people.viewer.id }, actions: ['export'], expiresAt }] }, admin);
    const ask = { action: 'export', resource: { type: 'report', id: report } };
    expect(await check(people.viewer.token, ask)).toEqual({ allowed: true, reason: 'granted' });
    await new Promise((resolve) => setTimeout(resolve, 1700));
    expect(await check(people.viewer.token, ask)).toEqual({ allowed: false, reason: 'expired_grant' });
    expect((await explain(people.viewer.token, ask)).rules).toEqual([expect.objectContaining({ source: 'grant', expiresAt })]);
    const past = await put(`/api/v1/resources/${report}/permissions`, { grants: [{ principal: { type: 'user', id: people.viewer.id }, actions: ['export'], expiresAt: '2001-01-01T00:00:00Z' }] }, admin);
    expect(past.status).toBe(400);
    expect(past.body.errors).toEqual([expect.objectContaining({ field: 'grants[0].expiresAt' })]);
  });

  it('answers inactive_user for a deactivated user, on the next check', async () => {
    const someone = await createUser(t, { organizationId: orgId, role: 'Developer' });
    const appC = (await t.api.post<{ id: string }>('/api/v1/resources', { type: 'application', externalId: 'app-c', name: 'C' }, admin)).body.id;
    await put(`/api/v1/resources/${appC}/permissions`, { grants: [{ principal: { type: 'user', id: someone.id }, actions: ['deploy'] }] }, admin);
    expect(await check(admin, deploy(appC, someone.id))).toEqual({ allowed: true, reason: 'granted' });
    expect((await t.api.post(`/api/v1/users/${someone.id}/deactivate`, {}, admin)).status).toBe(200);
    expect(await check(admin, deploy(appC, someone.id))).toEqual({ allowed: false, reason: 'inactive_user' });
  });

  it('answers 100 questions in one round trip, in order, and refuses 101 naming the field', async () => {
    const checks = Array.from({ length: 100 }, (_, i) => (i % 2 ? deploy(appA, people.dev.id) : deploy(appB, people.dev.id)));
    const response = await t.api.post<{ results: Decision[] }>('/api/v1/authz/check-batch', { checks }, admin);
    expect(response.status).toBe(200);
    expect(response.body.results).toHaveLength(100);
    expect(response.body.results.map((r) => r.allowed)).toEqual(checks.map((_, i) => i % 2 === 1));
    const tooMany = await t.api.post('/api/v1/authz/check-batch', { checks: [...checks, deploy(appA)] }, admin);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors).toEqual([expect.objectContaining({ field: 'checks' })]);
    const bad = await t.api.post('/api/v1/authz/check', { action: 'Deploy!', resource: { type: 'application' } }, admin);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'action' })]);
  });

  it('answers 50 parallel identical checks alike, and not one of the next 50 still allows once the grant is withdrawn', async () => {
    const appP = (await t.api.post<{ id: string }>('/api/v1/resources', { type: 'application', externalId: 'app-parallel', name: 'P' }, admin)).body.id;
    const ask = () => Promise.all(Array.from({ length: 50 }, () => check(admin, deploy(appP, people.dev2.id))));
    expect((await put(`/api/v1/resources/${appP}/permissions`, { grants: [{ principal: { type: 'user', id: people.dev2.id }, actions: ['deploy'] }] }, admin)).status).toBe(200);
    expect(await ask()).toEqual(Array.from({ length: 50 }, () => ({ allowed: true, reason: 'granted' })));
    expect((await put(`/api/v1/resources/${appP}/permissions`, { grants: [] }, admin)).status).toBe(200);
    expect(await ask()).toEqual(Array.from({ length: 50 }, () => ({ allowed: false, reason: 'no_rule' })));
  });

  it('lets only authz:check ask about others; a narrower key asking for more is refused', async () => {
    expect((await t.api.post('/api/v1/authz/check', deploy(appA, people.dev.id), people.manager.token)).status).toBe(403);
    const narrow = await t.api.post<{ key: string }>('/api/v1/me/api-keys', { name: 'narrow', scopes: ['account:read'], expiresAt: inAMonth() }, admin);
    const wide = await t.api.post<{ key: string }>('/api/v1/me/api-keys', { name: 'svc', scopes: ['account:read', 'authz:check'], expiresAt: inAMonth() }, admin);
    expect((await t.api.post('/api/v1/authz/check', deploy(appA, people.dev.id), narrow.body.key)).status).toBe(403);
    expect(await check(wide.body.key, deploy(appA, people.dev.id))).toEqual({ allowed: true, reason: 'granted' });
  });

  it('answers another organization’s ids 404: users, teams, resources', async () => {
    const other = await createOrganization(t, 'elsewhere');
    const otherAdmin = await t.api.login('elsewhere', other.adminEmail, other.adminPassword);
    expect((await t.api.post('/api/v1/authz/check', deploy(appA, people.dev.id), otherAdmin)).status).toBe(404);
    expect((await t.api.get(`/api/v1/teams/${teamA}`, otherAdmin)).status).toBe(404);
    expect((await t.api.get(`/api/v1/resources/${appA}`, otherAdmin)).status).toBe(404);
    expect((await put(`/api/v1/resources/${appA}/permissions`, { grants: [] }, otherAdmin)).status).toBe(404);
    expect((await put(`/api/v1/teams/${teamA}/members/${people.dev.id}`, {}, otherAdmin)).status).toBe(404);
    const foreignGrant = await put(`/api/v1/resources/${(await t.api.post<{ id: string }>('/api/v1/resources', { type: 'device', externalId: 'd1', name: 'd1' }, otherAdmin)).body.id}/permissions`, { grants: [{ principal: { type: 'user', id: people.dev.id }, actions: ['restart'] }] }, otherAdmin);
    expect(foreignGrant.status).toBe(400);
    expect(foreignGrant.body.errors).toEqual([expect.objectContaining({ field: 'grants[0].principal.id' })]);
  });

  it('sees a grant change on a second instance at its very next check', async () => {
    second = await startTestApp({ env: t.env, removeOnClose: false });
    const ask = deploy(appA, people.dev2.id);
    expect(await check(admin, ask, second)).toEqual({ allowed: false, reason: 'no_rule' });
    await put(`/api/v1/resources/${appA}/permissions`, { grants: [{ principal: { type: 'role', id: 'Developer' }, actions: ['deploy'] }] }, admin);
    expect(await check(admin, ask, second)).toEqual({ allowed: true, reason: 'granted' });
    // a role change seen by the other instance too: no longer a Developer, the role grant stops
    expect((await put(`/api/v1/users/${people.dev2.id}/role`, { role: 'Viewer' }, admin)).status).toBe(200);
    expect(await check(admin, ask, second)).toEqual({ allowed: false, reason: 'no_rule' });
    // and membership: a team grant reaches the user on the other instance the moment they join
    await put(`/api/v1/teams/${teamA}/members/${people.dev2.id}`, {}, admin);
    expect(await check(admin, deploy(appB, people.dev2.id), second)).toEqual({ allowed: true, reason: 'granted' });
  });

  it('reads the asked users’ versions with the caller’s own check, and a second instance still answers every change at once', async () => {
    second ??= await startTestApp({ env: t.env, removeOnClose: false });
    const appD = (await t.api.post<{ id: string }>('/api/v1/resources', { type: 'application', externalId: 'app-d', name: 'D' }, admin)).body.id;
    const batch = async () => {
      const response = await second!.api.post<{ results: Decision[] }>('/api/v1/authz/check-batch', { checks: [deploy(appD, people.dev.id), deploy(appD, people.viewer.id)] }, admin);
      expect(response.status).toBe(200);
      return response.body.results.map((result) => result.reason);
    };
    const grantTo = (userId: string) => put(`/api/v1/resources/${appD}/permissions`, { grants: [{ principal: { type: 'user', id: userId }, actions: ['deploy'] }] }, admin);
    const mineOnSecond = async () => (await second!.api.get<{ rules: { resourceId?: string }[] }>('/api/v1/me/permissions', people.viewer.token)).body.rules.filter((rule) => rule.resourceId === appD);
    expect(await batch()).toEqual(['no_rule', 'no_rule']);
    expect(await mineOnSecond()).toEqual([]);
    await grantTo(people.dev.id);
    expect(await batch()).toEqual(['granted', 'no_rule']);
    await grantTo(people.viewer.id);
    expect(await batch()).toEqual(['no_rule', 'granted']);
    expect((await second.api.post<Decision>('/api/v1/authz/explain', deploy(appD, people.viewer.id), admin)).body.rules).toEqual([expect.objectContaining({ source: 'grant', resourceId: appD })]);
    expect(await mineOnSecond()).toEqual([expect.objectContaining({ source: 'grant' })]);
    // an API key's request reads the asked versions with its owner's (one MGET, the key's row
    // from memory after its first use): the same answers, at the very next check
    const key = (await t.api.post<{ key: string }>('/api/v1/me/api-keys', { name: 'svc-d', scopes: ['account:read', 'authz:check'], expiresAt: inAMonth() }, admin)).body.key;
    expect(await check(key, deploy(appD, people.viewer.id), second)).toEqual({ allowed: true, reason: 'granted' });
    await put(`/api/v1/resources/${appD}/permissions`, { grants: [] }, admin);
    expect(await check(key, deploy(appD, people.viewer.id), second)).toEqual({ allowed: false, reason: 'no_rule' });
    await grantTo(people.viewer.id);
    expect(await check(key, deploy(appD, people.viewer.id), second)).toEqual({ allowed: true, reason: 'granted' });
    await put(`/api/v1/resources/${appD}/permissions`, { grants: [] }, admin);
    expect(await check(key, deploy(appD, people.viewer.id), second)).toEqual({ allowed: false, reason: 'no_rule' });
    expect(await check(admin, deploy(appD, people.viewer.id.toUpperCase()), second)).toEqual({ allowed: false, reason: 'no_rule' });
    expect(await mineOnSecond()).toEqual([]);
  });

  it('lists the effective ability at /me/permissions', async () => {
    const mine = await t.api.get<{ role: string; rules: { source: string; grantId?: string }[]; teamIds: string[] }>('/api/v1/me/permissions', people.dev.token);
    expect(mine.status).toBe(200);
    expect(mine.body.role).toBe('Developer');
    expect(mine.body.rules).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'role', permission: 'applications:develop' }), expect.objectContaining({ source: 'grant' })]));
  });

  it('records every refused admin action as access.denied', async () => {
    const before = await t.env.scalar("select count(*) as value from events where type = 'access.denied'");
    expect((await t.api.post('/api/v1/roles', { name: 'Nope', permissions: [] }, people.viewer.token)).status).toBe(403);
    expect(await t.env.scalar("select count(*) as value from events where type = 'access.denied'")).toBe(before + 1);
  });

  it('records, once, an admin action the command refuses after the guard let it in', async () => {
    const denied = (code: string) => t.env.scalar("select count(*) as value from events where type = 'access.denied' and payload->>'code' = $1", [code]);
    const before = await denied('USERS.PRIVILEGE');
    // a Manager may assign roles, but never Administrator: the privilege rule in the command refuses
    const manager = await t.api.login('default', people.manager.email, people.manager.password);
    const refused = await t.api.request('PUT', `/api/v1/users/${people.viewer.id}/role`, { token: manager, body: { role: 'Administrator' } });
    expect(refused.status).toBe(403);
    await eventually(async () => ((await denied('USERS.PRIVILEGE')) === before + 1 ? true : undefined), 5_000, 'the access.denied event');
    // a team change a non-lead may not make is recorded the same way, once
    const teamBefore = await denied('TEAMS.NOT_ALLOWED');
    const member = await t.api.login('default', people.dev2.email, people.dev2.password);
    expect((await t.api.request('PUT', `/api/v1/teams/${teamA}/members/${people.viewer.id}`, { token: member, body: { lead: false } })).status).toBe(403);
    await eventually(async () => ((await denied('TEAMS.NOT_ALLOWED')) === teamBefore + 1 ? true : undefined), 5_000, 'the team access.denied event');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await denied('TEAMS.NOT_ALLOWED')).toBe(teamBefore + 1);
  });
});
