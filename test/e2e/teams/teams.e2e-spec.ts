import { auditCaughtUp, startTestApp, type TestApp } from '../../support/test-app';
import { createUser, organizationId } from '../../support/users';

interface Team {
  id: string;
  name: string;
  parentId: string | null;
  members: { userId: string; lead: boolean }[];
}

describe('teams: departments, members, leads and dashboards', () => {
  let t: TestApp;
  let admin: string;
  let orgId: string;
  let lead: { id: string; token: string };
  let member: { id: string; token: string };
  let outsider: { id: string; token: string };
  let payments: string;
  let search: string;

  const put = (path: string, body: unknown, token: string) => t.api.request('PUT', path, { body, token });
  const patch = (path: string, body: unknown, token: string) => t.api.request('PATCH', path, { body, token });
  const del = (path: string, token: string) => t.api.request('DELETE', path, { token });

  async function user(role: string): Promise<{ id: string; token: string }> {
    const created = await createUser(t, { organizationId: orgId, role });
    return { id: created.id, token: await t.api.login('default', created.email, created.password) };
  }

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.adminToken();
    orgId = await organizationId(t);
    lead = await user('Developer');
    member = await user('Viewer');
    outsider = await user('Developer');
    payments = (await t.api.post<{ id: string }>('/api/v1/teams', { name: 'Payments' }, admin)).body.id;
    search = (await t.api.post<{ id: string }>('/api/v1/teams', { name: 'Search' }, admin)).body.id;
    expect((await put(`/api/v1/teams/${payments}/members/${lead.id}`, { lead: true }, admin)).status).toBe(201);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('creates, renames and nests teams at any depth, never in a cycle, and refuses a taken name', async () => {
    const platform = (await t.api.post<Team>('/api/v1/teams', { name: 'Platform' }, admin)).body;
    const core = (await t.api.post<Team>('/api/v1/teams', { name: 'Core', parentId: platform.id }, admin)).body;
    const db = (await t.api.post<Team>('/api/v1/teams', { name: 'Databases', parentId: core.id }, admin)).body;
    const cycle = await patch(`/api/v1/teams/${platform.id}`, { parentId: db.id }, admin);
    expect(cycle.status).toBe(400);
    expect(cycle.body).toMatchObject({ errors: [{ field: 'parentId' }] });
    expect((await patch(`/api/v1/teams/${platform.id}`, { parentId: platform.id }, admin)).status).toBe(400);
    const renamed = await patch(`/api/v1/teams/${core.id}`, { name: 'Core Services' }, admin);
    expect(renamed.body).toMatchObject({ name: 'Core Services', parentId: platform.id });
    expect((await t.api.post('/api/v1/teams', { name: 'payments' }, admin)).status).toBe(409);
    expect((await del(`/api/v1/teams/${core.id}`, admin)).status).toBe(409); // Databases sits under it
    const stale = await t.api.request('PATCH', `/api/v1/teams/${db.id}`, { body: { name: 'DB' }, token: admin, headers: { 'if-match': '"99"' } });
    expect(stale.status).toBe(412);
    expect((await del(`/api/v1/teams/${db.id}`, admin)).status).toBe(204);
    expect((await t.api.get<{ items: Team[] }>('/api/v1/teams?limit=200', admin)).body.items.map((team) => team.id)).not.toContain(db.id);
    const bad = await t.api.post('/api/v1/teams', { name: ' ', parentId: 'nope' }, admin);
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['name', 'parentId']);
  });

  it('lets a lead manage their own team’s members and dashboard, and nothing more', async () => {
    expect((await put(`/api/v1/teams/${payments}/members/${member.id}`, {}, lead.token)).status).toBe(201);
    // not another team, not leads, not the team itself, not its grants
    expect((await put(`/api/v1/teams/${search}/members/${member.id}`, {}, lead.token)).status).toBe(403);
    expect((await put(`/api/v1/teams/${payments}/members/${outsider.id}`, { lead: true }, lead.token)).status).toBe(400);
    expect((await patch(`/api/v1/teams/${payments}`, { name: 'Mine now' }, lead.token)).status).toBe(403);
    expect((await put(`/api/v1/teams/${payments}/permissions`, { grants: [] }, lead.token)).status).toBe(403);
    expect((await del(`/api/v1/teams/${payments}`, lead.token)).status).toBe(403);
    // a plain member manages nothing
    expect((await put(`/api/v1/teams/${payments}/members/${outsider.id}`, {}, member.token)).status).toBe(403);
    const layout = { widgets: [{ id: 'm', type: 'members', position: { x: 0, y: 0, w: 6, h: 3 } }], filters: { statuses: ['active'] } };
    const saved = await put(`/api/v1/teams/${payments}/dashboard`, layout, lead.token);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ layout: { widgets: [{ id: 'm', type: 'members' }] }, overview: { members: 2, leads: 1, byRole: { Developer: 1, Viewer: 1 } } });
    expect((await put(`/api/v1/teams/${search}/dashboard`, layout, lead.token)).status).toBe(403);
    const invalid = await put(`/api/v1/teams/${payments}/dashboard`, { widgets: [{ id: 'x', type: 'iframe', position: { x: 0, y: 0, w: 1, h: 1 } }] }, lead.token);
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ errors: [{ field: 'widgets[0].type' }] });
    expect((await del(`/api/v1/teams/${payments}/members/${member.id}`, lead.token)).status).toBe(204);
  });

  it('lists a user’s teams and filters users by team; invitations join teams on acceptance', async () => {
    await put(`/api/v1/teams/${search}/members/${member.id}`, {}, admin);
    const detail = await t.api.get<{ teams: { id: string; name: string; lead: boolean }[] }>(`/api/v1/users/${lead.id}`, admin);
    expect(detail.body.teams).toEqual([{ id: payments, name: 'Payments', lead: true }]);
    const listed = await t.api.get<{ items: { id: string }[] }>(`/api/v1/users?team=${search}`, admin);
    expect(listed.body.items.map((u) => u.id)).toEqual([member.id]);
    const invited = await t.api.post('/api/v1/invitations', { email: 'new.hire@example.com', role: 'Viewer', teamIds: [payments] }, lead.token);
    expect(invited.status).toBe(403); // a Developer invites nobody, lead or not
    const byAdmin = await t.api.post('/api/v1/invitations', { email: 'new.hire@example.com', role: 'Viewer', teamIds: [payments] }, admin);
    expect(byAdmin.status).toBe(201);
    const dashboard = await t.api.get<{ overview: { pendingInvitations: number } }>(`/api/v1/teams/${payments}/dashboard`, admin);
    expect(dashboard.body.overview.pendingInvitations).toBe(1);
  });

  it('answers the audit API’s team filter: events about the team and by or about its members', async () => {
    await auditCaughtUp(t.env, 'team events');
    const page = await t.api.get<{ items: { type: string; subject: { id: string }; actor: { id: string } }[] }>(`/api/v1/audit/events?team=${payments}&limit=200`, admin);
    expect(page.status).toBe(200);
    const types = page.body.items.map((item) => item.type);
    expect(types).toEqual(expect.arrayContaining(['team.created', 'team.member_added', 'team.dashboard_saved']));
    // the lead's own events (their account was created) come with them; another team's do not
    expect(page.body.items.some((item) => item.subject.id === lead.id)).toBe(true);
    expect(page.body.items.some((item) => item.subject.id === search)).toBe(false);
    const unknown = await t.api.get(`/api/v1/audit/events?team=${crypto.randomUUID()}`, admin);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ errors: [{ field: 'team' }] });
  });

  it('adds a member once when 50 identical requests race', async () => {
    const racer = await user('Viewer');
    const answers = await Promise.all(Array.from({ length: 50 }, () => put(`/api/v1/teams/${search}/members/${racer.id}`, {}, admin)));
    expect(answers.every((answer) => [200, 201, 409].includes(answer.status))).toBe(true);
    expect(answers.some((answer) => answer.status >= 500)).toBe(false);
    expect(await t.env.scalar('select count(*) as value from team_members where user_id = $1', [racer.id])).toBe(1);
    expect(await t.env.scalar("select count(*) as value from events where type = 'team.member_added' and payload->>'userId' = $1", [racer.id])).toBe(1);
  });

  it('takes a removed user out of every team in the removal’s transaction', async () => {
    const leaving = await user('Viewer');
    await put(`/api/v1/teams/${search}/members/${leaving.id}`, {}, admin);
    expect((await del(`/api/v1/users/${leaving.id}`, admin)).status).toBe(204);
    expect(await t.env.scalar('select count(*) as value from team_members where user_id = $1', [leaving.id])).toBe(0);
  });
});
