import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { UnitOfWork } from '../../../src/infrastructure/event-store/unit-of-work';
import { systemActor } from '../../../src/shared/actor';
import { Invitation } from '../../../src/modules/users/domain/invitation.entity';
import { consumersCaughtUp, startTestApp, type TestApp } from '../../support/test-app';
import { createOrganization, createUser, organizationId } from '../../support/users';

interface UserItem {
  id: string;
  email: string | null;
  name: string | null;
  role: string;
  status: string;
  mfaEnabled: boolean;
  lastSignInAt: string | null;
  createdAt: string;
}

interface UserPage {
  items: UserItem[];
  nextCursor: string | null;
}

interface Problem {
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

describe('users administration (issue 3)', () => {
  let t: TestApp;
  let admin: string;
  let org: string;
  let adminId: string;
  let db: Client;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.adminToken();
    org = await organizationId(t);
    adminId = (await t.api.get<{ id: string }>('/api/v1/me', admin)).body.id;
    db = await t.env.sql();
  });

  afterAll(async () => {
    await db.end();
    await t.close();
  });

  async function signIn(email: string, password: string, organization = 'default'): Promise<Tokens> {
    const response = await t.api.post<Tokens>('/api/v1/auth/login', { organization, email, password });
    expect(response.status).toBe(200);
    return response.body;
  }

  async function sql<T extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await db.query<T>(text, params)).rows;
  }

  const list = (query: string, token = admin) => t.api.get<UserPage>(`/api/v1/users?${query}`, token);
  const setRole = (id: string, role: unknown, token = admin) => t.api.request<Problem>('PUT', `/api/v1/users/${id}/role`, { token, body: { role } });
  const act = (id: string, action: 'deactivate' | 'reactivate', token = admin) => t.api.post<Problem & UserItem>(`/api/v1/users/${id}/${action}`, {}, token);
  const remove = (id: string, token = admin) => t.api.request<Problem>('DELETE', `/api/v1/users/${id}`, { token });
  const fields = (body: Problem) => (body.errors ?? []).map((error) => error.field);

  it('lists users filtered by status, role and a search of name or email', async () => {
    const marker = `flt${Date.now()}`;
    // argon2 runs on the thread pool: users are made in parallel, then given a known creation order
    const [dev, manager, viewer, dev2] = await Promise.all([
      createUser(t, { organizationId: org, role: 'Developer', email: `${marker}-dev@example.com` }),
      createUser(t, { organizationId: org, role: 'Manager', email: `${marker}-mgr@example.com` }),
      createUser(t, { organizationId: org, role: 'Viewer', email: `${marker}-VIEW@example.com` }),
      createUser(t, { organizationId: org, role: 'Developer' }),
    ]);
    // (the application writes created_at from its clock, in milliseconds, as here)
    const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000);
    await sql('update users set created_at = $2 where id = $1', [dev.id, at(3)]);
    await sql('update users set created_at = $2 where id = $1', [manager.id, at(2)]);
    await sql('update users set created_at = $2 where id = $1', [viewer.id, at(1)]);
    await sql("update users set name = 'Ada 100%_sure' where id = $1", [dev.id]);
    await sql("update users set name = 'Ada 100ab sure' where id = $1", [manager.id]);
    expect((await act(viewer.id, 'deactivate')).status).toBe(200);

    const all = await list(`q=${marker}`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((u) => u.id)).toEqual([viewer.id, manager.id, dev.id]);
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.items[2]).toEqual({
      id: dev.id,
      email: dev.email,
      name: 'Ada 100%_sure',
      role: 'Developer',
      status: 'active',
      mfaEnabled: false,
      lastSignInAt: null,
      createdAt: expect.stringMatching(/Z$/) as string,
    });

    expect((await list(`q=${marker}&role=Manager`)).body.items.map((u) => u.id)).toEqual([manager.id]);
    expect((await list(`q=${marker}&status=deactivated`)).body.items.map((u) => u.id)).toEqual([viewer.id]);
    expect((await list(`q=${marker}&status=active&role=Developer`)).body.items.map((u) => u.id)).toEqual([dev.id]);
    // case-insensitive, and LIKE wildcards in the search are literal
    expect((await list(`q=${marker.toUpperCase()}-view`)).body.items.map((u) => u.id)).toEqual([viewer.id]);
    expect((await list(`q=${encodeURIComponent('100%_')}`)).body.items.map((u) => u.id)).toEqual([dev.id]);
    expect((await list(`q=${encodeURIComponent('ada 100')}`)).body.items.map((u) => u.id).sort()).toEqual([dev.id, manager.id].sort());

    const team = await list(`team=${crypto.randomUUID()}`);
    expect(team.status).toBe(400);
    expect(team.body).toMatchObject({ errors: [{ field: 'team', message: 'team names no team of this organization' }] });
    const bad = await t.api.get<Problem>('/api/v1/users?status=gone&role=Overlord&limit=500', admin);
    expect(bad.status).toBe(400);
    expect(fields(bad.body).sort()).toEqual(['limit', 'role', 'status']);
    expect(fields((await t.api.get<Problem>('/api/v1/users?cursor=not-ours', admin)).body)).toEqual(['cursor']);

    const devToken = await t.api.login('default', dev2.email, dev2.password);
    expect((await list('', devToken)).status).toBe(200);
    expect((await t.api.get('/api/v1/users')).status).toBe(401);
  });

  it('pages by keyset over (createdAt, id), stable when a user is added between pages', async () => {
    const marker = `page${Date.now()}`;
    await Promise.all([0, 1, 2, 3, 4].map((i) => createUser(t, { organizationId: org, role: 'Viewer', email: `${marker}-${i}@example.com` })));
    const newestFirst = await sql<{ id: string }>('select id from users where email like $1 order by created_at desc, id desc', [`${marker}-%`]);
    const seen: string[] = [];
    let page = await list(`q=${marker}&limit=2`);
    seen.push(...page.body.items.map((u) => u.id));
    const late = await createUser(t, { organizationId: org, role: 'Viewer', email: `${marker}-late@example.com` });
    let pages = 1;
    while (page.body.nextCursor) {
      page = await list(`q=${marker}&limit=2&cursor=${page.body.nextCursor}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((u) => u.id));
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(newestFirst.map((row) => row.id));
    expect((await list(`q=${marker}&limit=1`)).body.items[0].id).toBe(late.id);
  });

  it('shows one user in detail, and another organization’s user is not found', async () => {
    const slug = `detail${Date.now()}`;
    const [dev, other] = await Promise.all([createUser(t, { organizationId: org, role: 'Developer' }), createOrganization(t, slug)]);
    await sql("update users set name = 'Grace', phone = '+49 30 1234567', timezone = 'Europe/Berlin', locale = 'de-DE' where id = $1", [dev.id]);
    await signIn(dev.email, dev.password);
    const detail = await t.api.get(`/api/v1/users/${dev.id}`, admin);
    expect(detail.status).toBe(200);
    expect(detail.body).toEqual({
      id: dev.id,
      email: dev.email,
      name: 'Grace',
      role: 'Developer',
      status: 'active',
      mfaEnabled: false,
      lastSignInAt: expect.stringMatching(/Z$/) as string,
      createdAt: expect.stringMatching(/Z$/) as string,
      phone: '+49 30 1234567',
      timezone: 'Europe/Berlin',
      locale: 'de-DE',
      teams: [],
      deactivatedAt: null,
      removedAt: null,
    });

    const otherToken = await t.api.login(slug, other.adminEmail, other.adminPassword);
    const otherAdminId = (await t.api.get<{ id: string }>('/api/v1/me', otherToken)).body.id;
    expect((await t.api.get(`/api/v1/users/${dev.id}`, otherToken)).status).toBe(404);
    expect((await t.api.get(`/api/v1/users/${otherAdminId}`, admin)).status).toBe(404);
    expect((await setRole(otherAdminId, 'Viewer')).status).toBe(404);
    expect((await act(otherAdminId, 'deactivate')).status).toBe(404);
    expect((await remove(otherAdminId)).status).toBe(404);
    expect((await list('limit=200', otherToken)).body.items.map((u) => u.id)).toEqual([otherAdminId]);

    const doc = await t.api.get<{ paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } }>('/api/docs-json');
    expect(Object.keys(doc.body.paths['/api/v1/users/{id}']).sort()).toEqual(expect.arrayContaining(['delete', 'get']));
    expect(doc.body.paths['/api/v1/users/{id}/role']).toHaveProperty('put');
    expect(doc.body.components.schemas).toHaveProperty('UserDetailResponse');
    expect(doc.body.components.schemas).toHaveProperty('ChangeUserRoleRequest');

    const badId = await t.api.get<Problem>('/api/v1/users/not-a-uuid', admin);
    expect(badId.status).toBe(400);
    expect(fields(badId.body)).toEqual(['id']);
    expect(fields((await setRole('not-a-uuid', 'Viewer')).body)).toEqual(['id']);
  });

  it('deactivation stops a signed-in user on their very next request; reactivation lets them sign in again', async () => {
    const dev = await createUser(t, { organizationId: org, role: 'Developer' });
    const tokens = await signIn(dev.email, dev.password);
    expect((await t.api.get('/api/v1/me', tokens.accessToken)).status).toBe(200);

    const deactivated = await act(dev.id, 'deactivate');
    expect(deactivated.status).toBe(200);
    expect(deactivated.body).toMatchObject({ status: 'deactivated', deactivatedAt: expect.any(String) as string });
    expect((await t.api.get('/api/v1/me', tokens.accessToken)).status).toBe(401);
    expect((await t.api.post('/api/v1/auth/refresh', { refreshToken: tokens.refreshToken })).status).toBe(401);
    expect((await t.api.post('/api/v1/auth/login', { organization: 'default', email: dev.email, password: dev.password })).status).toBe(401);
    expect(await act(dev.id, 'deactivate')).toMatchObject({ status: 409, body: { code: 'USERS.INVALID_TRANSITION' } });

    const reactivated = await act(dev.id, 'reactivate');
    expect(reactivated.status).toBe(200);
    expect(reactivated.body).toMatchObject({ status: 'active', deactivatedAt: null });
    const again = await signIn(dev.email, dev.password);
    expect((await t.api.get('/api/v1/me', again.accessToken)).status).toBe(200);
    expect(await act(dev.id, 'reactivate')).toMatchObject({ status: 409, body: { code: 'USERS.INVALID_TRANSITION' } });

    const events = await sql<{ type: string; payload: unknown }>(
      "select type, payload from events where subject->>'id' = $1 and type in ('user.deactivated', 'user.reactivated') order by seq",
      [dev.id],
    );
    expect(events).toEqual([
      { type: 'user.deactivated', payload: {} },
      { type: 'user.reactivated', payload: {} },
    ]);
  });

  it('changes roles only within the privilege rules, recording from and to; the new role applies on refresh', async () => {
    const [manager, dev] = await Promise.all([createUser(t, { organizationId: org, role: 'Manager' }), createUser(t, { organizationId: org, role: 'Developer' })]);
    const [managerToken, devTokens] = await Promise.all([t.api.login('default', manager.email, manager.password), signIn(dev.email, dev.password)]);

    expect(await setRole(dev.id, 'Administrator', managerToken)).toMatchObject({ status: 403, body: { code: 'USERS.PRIVILEGE' } });
    expect(await setRole(dev.id, 'Manager', managerToken)).toMatchObject({ status: 403, body: { code: 'USERS.PRIVILEGE' } });
    expect(await setRole(adminId, 'Viewer', managerToken)).toMatchObject({ status: 403, body: { code: 'USERS.PRIVILEGE' } });
    expect(await setRole(manager.id, 'Viewer', managerToken)).toMatchObject({ status: 403 });
    const bad = await setRole(dev.id, 'Overlord');
    expect(bad.status).toBe(400);
    expect(fields(bad.body)).toEqual(['role']);
    expect(fields((await setRole(dev.id, undefined)).body)).toEqual(['role']);

    const changed = await setRole(dev.id, 'Viewer', managerToken);
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: dev.id, role: 'Viewer' });
    // the token in hand carried the old role: it stops; a refresh brings the new one
    expect((await t.api.get('/api/v1/me', devTokens.accessToken)).status).toBe(401);
    const refreshed = await t.api.post<Tokens>('/api/v1/auth/refresh', { refreshToken: devTokens.refreshToken });
    expect(refreshed.status).toBe(200);
    const claims = JSON.parse(Buffer.from(refreshed.body.accessToken.split('.')[1], 'base64url').toString()) as { role: string };
    expect(claims.role).toBe('Viewer');

    expect((await setRole(dev.id, 'Manager')).status).toBe(200);
    expect((await setRole(dev.id, 'Manager')).status).toBe(200); // the same role again changes nothing
    const events = await sql<{ payload: unknown; actor_id: string }>(
      "select payload, actor->>'id' as actor_id from events where type = 'user.role_changed' and subject->>'id' = $1 order by seq",
      [dev.id],
    );
    expect(events).toEqual([
      { payload: { from: 'Developer', to: 'Viewer' }, actor_id: manager.id },
      { payload: { from: 'Viewer', to: 'Manager' }, actor_id: adminId },
    ]);
  });

  it('never lets the last active Administrator be demoted, deactivated or removed, and nobody acts on themselves', async () => {
    const slug = `solo${Date.now()}`;
    const solo = await createOrganization(t, slug);
    const token = await t.api.login(slug, solo.adminEmail, solo.adminPassword);
    const soloId = (await t.api.get<{ id: string }>('/api/v1/me', token)).body.id;
    expect(await setRole(soloId, 'Manager', token)).toMatchObject({ status: 409, body: { code: 'USERS.LAST_ADMIN' } });
    expect(await act(soloId, 'deactivate', token)).toMatchObject({ status: 409, body: { code: 'USERS.LAST_ADMIN' } });
    expect(await remove(soloId, token)).toMatchObject({ status: 409, body: { code: 'USERS.LAST_ADMIN' } });

    const second = await createUser(t, { organizationId: solo.id, role: 'Administrator' });
    expect(await setRole(soloId, 'Manager', token)).toMatchObject({ status: 403, body: { code: 'USERS.SELF' } });
    expect(await act(soloId, 'deactivate', token)).toMatchObject({ status: 403, body: { code: 'USERS.SELF' } });
    expect(await remove(soloId, token)).toMatchObject({ status: 403, body: { code: 'USERS.SELF' } });
    // a deactivated Administrator does not count
    expect((await act(second.id, 'deactivate', token)).status).toBe(200);
    expect(await setRole(soloId, 'Manager', token)).toMatchObject({ status: 409, body: { code: 'USERS.LAST_ADMIN' } });
  });

  it('lets exactly one of two racing demotions of the last two Administrators through', async () => {
    const runs = await Promise.all(
      [1, 2].map(async (n) => {
        const slug = `race${n}x${Date.now()}`;
        const first = await createOrganization(t, slug);
        const second = await createUser(t, { organizationId: first.id, role: 'Administrator' });
        const [firstToken, secondToken] = await Promise.all([t.api.login(slug, first.adminEmail, first.adminPassword), t.api.login(slug, second.email, second.password)]);
        const firstId = (await t.api.get<{ id: string }>('/api/v1/me', firstToken)).body.id;
        const results = await Promise.all([setRole(second.id, 'Manager', firstToken), setRole(firstId, 'Manager', secondToken)]);
        const admins = await sql<{ n: number }>("select count(*)::int as n from users where organization_id = $1 and role = 'Administrator' and status = 'active'", [first.id]);
        return { statuses: results.map((r) => r.status), admins: admins[0].n };
      }),
    );
    for (const run of runs) {
      expect(run.statuses.filter((status) => status === 200)).toHaveLength(1);
      // the loser waited on the lock and found itself last (409), already demoted (403), or signed out (401)
      expect([401, 403, 409]).toContain(run.statuses.find((status) => status !== 200));
      expect(run.admins).toBe(1);
    }
  });

  it('removal erases the person’s data from every table for good, and the audit chain still verifies', async () => {
    const marker = `erase${Date.now()}`;
    const email = `${marker}@example.com`;
    const gone = await createUser(t, { organizationId: org, role: 'Developer', email });
    await sql("update users set name = $2, phone = '+1 555 0100', timezone = 'America/New_York', locale = 'en-US', notification_preferences = '{\"security\": true}' where id = $1", [
      gone.id,
      `${marker} Name`,
    ]);
    await sql("insert into avatars (user_id, organization_id, content_type, image, updated_at) values ($1, $2, 'image/webp', '\\x00', now())", [gone.id, org]);
    await t.app.get(UnitOfWork).run({ actor: systemActor(), organizationId: org }, async ({ em }) => {
      em.persist(
        Invitation.issue({ id: crypto.randomUUID(), organizationId: org, userId: gone.id, emailNormalized: email, role: 'Developer', tokenHash: randomBytes(32).toString('hex'), invitedBy: adminId, now: new Date() }),
      );
    });
    const tokens = await signIn(email, gone.password);

    // every event naming them is in the read models, under the name; the removal's own
    // transaction makes them "removed user" before it answers
    await consumersCaughtUp(t.env, 'before the removal');
    const named = async () => Number((await sql<{ n: string }>(`select count(*) as n from login_history where user_name ilike $1`, [`%${marker}%`]))[0].n);
    expect(await named()).toBeGreaterThan(0);
    expect((await remove(gone.id)).status).toBe(204);
    expect(await named()).toBe(0);
    expect((await sql<{ n: string }>(`select count(*) as n from audit_log where actor_name ilike $1 or subject_name ilike $1`, [`%${marker}%`]))[0].n).toBe('0');
    expect((await t.api.get('/api/v1/me', tokens.accessToken)).status).toBe(401);
    expect((await t.api.post('/api/v1/auth/login', { organization: 'default', email, password: gone.password })).status).toBe(401);
    expect(await remove(gone.id)).toMatchObject({ status: 409, body: { code: 'USERS.INVALID_TRANSITION' } });
    const detail = await t.api.get(`/api/v1/users/${gone.id}`, admin);
    expect(detail.body).toMatchObject({ id: gone.id, name: 'removed user', email: null, status: 'removed', phone: null, timezone: null, locale: null });
    expect((await list('status=removed&limit=200')).body.items.find((u) => u.id === gone.id)).toMatchObject({ name: 'removed user', email: null });

    const [row] = await sql('select password_hash, notification_preferences, removed_at from users where id = $1', [gone.id]);
    expect(row).toMatchObject({ password_hash: null, notification_preferences: {}, removed_at: expect.any(Date) as Date });
    expect(await sql('select 1 from avatars where user_id = $1', [gone.id])).toHaveLength(0);
    expect(await sql('select status, email_normalized from invitations where user_id = $1', [gone.id])).toEqual([{ status: 'revoked', email_normalized: null }]);

    // the read models and auth's records are erased by the consumers of user.removed
    await consumersCaughtUp(t.env, 'the erasure');
    const columns = await sql<{ table_name: string; column_name: string }>(
      `select c.table_name, c.column_name from information_schema.columns c
         join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = 'public' and t.table_type = 'BASE TABLE' and c.data_type in ('text', 'character varying', 'jsonb', 'json')`,
    );
    expect(columns.map((c) => c.table_name)).toEqual(expect.arrayContaining(['events', 'users', 'invitations']));
    const hits: string[] = [];
    for (const { table_name: table, column_name: column } of columns) {
      const [{ n }] = await sql<{ n: number }>(`select count(*)::int as n from "${table}" where "${column}"::text ilike $1`, [`%${marker}%`]);
      if (n) hits.push(`${table}.${column}`);
    }
    expect(hits).toEqual([]);

    const removedEvents = await sql<{ payload: unknown }>("select payload from events where type = 'user.removed' and subject->>'id' = $1", [gone.id]);
    expect(removedEvents).toEqual([{ payload: {} }]);
    const verify = await t.api.get<{ valid: boolean }>('/api/v1/audit/verify', admin);
    expect(verify.status).toBe(200);
    expect(verify.body.valid).toBe(true);
  });
});

describe('removing an invited user whose invitation mail is still waiting', () => {
  let t: TestApp;

  beforeAll(async () => {
    // no workers: the invitation mail stays queued in the database
    t = await startTestApp({ overrides: { APP_ROLE: 'api' } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('drops the waiting mail with its address and link', async () => {
    const admin = await t.adminToken();
    const invited = await t.api.post<{ id: string }>('/api/v1/invitations', { email: 'Pending.Person@example.com', role: 'Viewer' }, admin);
    expect(invited.status).toBe(201);
    const sql = await t.env.sql();
    try {
      const [{ user_id: userId }] = (await sql.query<{ user_id: string }>('select user_id from invitations where id = $1', [invited.body.id])).rows;
      expect((await sql.query("select 1 from mail_outbox where status = 'pending'")).rowCount).toBe(1);
      expect((await t.api.request('DELETE', `/api/v1/users/${userId}`, { token: admin })).status).toBe(204);
      const left = await sql.query("select status, recipient, data::text from mail_outbox where data::text ilike '%pending.person%' or recipient ilike '%pending.person%'");
      expect(left.rows).toEqual([]);
      expect((await sql.query("select status, last_error from mail_outbox")).rows).toEqual([{ status: 'dead', last_error: 'cancelled' }]);
    } finally {
      await sql.end();
    }
  });
});
