import { PolicyStore } from '../../../src/modules/access-policy';
import { startTestApp, type TestApp } from '../../support/test-app';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../../support/test-env';
import { createUser, organizationId } from '../../support/users';

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

describe('sessions and tokens', () => {
  let t: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    // a second instance on the same database and Redis: revocations must reach it too
    second = await startTestApp({ env: t.env, removeOnClose: false });
  });

  afterAll(async () => {
    await second.close();
    await t.close();
  });

  async function signIn(app = t, email = ADMIN_EMAIL, password = ADMIN_PASSWORD): Promise<Tokens> {
    const response = await app.api.post<Tokens>('/api/v1/auth/login', { organization: 'default', email, password }, undefined);
    expect(response.status).toBe(200);
    return response.body;
  }

  it('rotates the refresh token on every use and refuses the spent one', async () => {
    const first = await signIn();
    const refreshed = await t.api.post<Tokens>('/api/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(first.refreshToken);
    expect((await t.api.get('/api/v1/me', refreshed.body.accessToken)).status).toBe(200);
    const again = await t.api.post('/api/v1/auth/refresh', { refreshToken: refreshed.body.refreshToken });
    expect(again.status).toBe(200);
  });

  it('spends a refresh token once when fifty requests race with it on two instances', async () => {
    const first = await signIn();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? second : t).api.post<Tokens>('/api/v1/auth/refresh', { refreshToken: first.refreshToken })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(49);
    const sid = JSON.parse(Buffer.from(first.accessToken.split('.')[1], 'base64url').toString()).sid as string;
    const sql = await t.env.sql();
    try {
      const refreshed = await sql.query("select 1 from events where type = 'auth.token_refreshed' and payload->>'sessionId' = $1", [sid]);
      expect(refreshed.rows).toHaveLength(1);
      const spent = await sql.query('select 1 from spent_refresh_tokens where session_id = $1', [sid]);
      expect(spent.rows).toHaveLength(1);
      // those that found the token spent revoked the session: one event however many they were
      const reused = await sql.query("select 1 from events where type = 'security.refresh_token_reused' and payload->>'sessionId' = $1", [sid]);
      expect(reused.rows.length).toBeLessThanOrEqual(1);
    } finally {
      await sql.end();
    }
  });

  it('kills the whole session when a spent refresh token comes back, and raises a security event', async () => {
    const first = await signIn();
    const rotated = await t.api.post<Tokens>('/api/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(rotated.status).toBe(200);

    const replay = await t.api.post('/api/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(replay.status).toBe(401);
    // the legitimate holder's newer tokens die with the session, on both instances
    expect((await t.api.post('/api/v1/auth/refresh', { refreshToken: rotated.body.refreshToken })).status).toBe(401);
    expect((await t.api.get('/api/v1/me', rotated.body.accessToken)).status).toBe(401);
    expect((await second.api.get('/api/v1/me', rotated.body.accessToken)).status).toBe(401);

    const sql = await t.env.sql();
    try {
      const sid = JSON.parse(Buffer.from(first.accessToken.split('.')[1], 'base64url').toString()).sid as string;
      const { rows } = await sql.query("select payload from events where type = 'security.refresh_token_reused' and payload->>'sessionId' = $1", [sid]);
      expect(rows).toHaveLength(1);
      expect(rows[0].payload).toMatchObject({ severity: 'high' });
    } finally {
      await sql.end();
    }
  });

  it('raises one security event for a flood of replays of a spent refresh token on two instances', async () => {
    const first = await signIn();
    const rotated = await t.api.post<Tokens>('/api/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(rotated.status).toBe(200);
    const replays = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? second : t).api.post('/api/v1/auth/refresh', { refreshToken: first.refreshToken })),
    );
    expect(replays.every((r) => r.status === 401)).toBe(true);
    // and later ones, once the session is over, record nothing either
    expect((await second.api.post('/api/v1/auth/refresh', { refreshToken: first.refreshToken })).status).toBe(401);
    expect((await t.api.get('/api/v1/me', rotated.body.accessToken)).status).toBe(401);
    const sid = JSON.parse(Buffer.from(first.accessToken.split('.')[1], 'base64url').toString()).sid as string;
    const sql = await t.env.sql();
    try {
      const reused = await sql.query("select 1 from events where type = 'security.refresh_token_reused' and payload->>'sessionId' = $1", [sid]);
      expect(reused.rows).toHaveLength(1);
      const revoked = await sql.query("select 1 from events where type = 'session.revoked' and payload->>'sessionId' = $1", [sid]);
      expect(revoked.rows).toHaveLength(1);
    } finally {
      await sql.end();
    }
  });

  const claimsOf = (tokens: Tokens) => JSON.parse(Buffer.from(tokens.accessToken.split('.')[1], 'base64url').toString()) as { sid: string; sub: string; role: string };

  async function query<T extends Record<string, unknown>>(text: string, values: unknown[]): Promise<T[]> {
    const sql = await t.env.sql();
    try {
      return (await sql.query<T>(text, values)).rows;
    } finally {
      await sql.end();
    }
  }

  /** Whether the session's refresh token was ever spent (a spent record, an event). */
  async function spentAny(sid: string): Promise<boolean> {
    const [row] = await query<{ spent: number; events: number }>(
      `select (select count(*) from spent_refresh_tokens where session_id = $1::uuid)::int as spent,
              (select count(*) from events where type = 'auth.token_refreshed' and payload->>'sessionId' = $1::text)::int as events`,
      [sid],
    );
    return row.spent + row.events > 0;
  }

  it('records a refresh as the session’s user, from the address it came from', async () => {
    const first = await signIn();
    const { sid, sub } = claimsOf(first);
    const refreshed = await t.api.post<Tokens>('/api/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(claimsOf(refreshed.body)).toMatchObject({ sid, sub });
    const rows = await query<{ actor: Record<string, unknown>; organization_id: string }>("select actor, organization_id from events where type = 'auth.token_refreshed' and payload->>'sessionId' = $1", [sid]);
    expect(rows).toEqual([{ actor: expect.objectContaining({ type: 'user', id: sub, ip: '127.0.0.1' }), organization_id: await organizationId(t) }]);
  });

  it('refuses a refresh past the idle timeout and leaves the token unspent', async () => {
    const first = await signIn();
    const { sid } = claimsOf(first);
    await query("update sessions set last_used_at = now() - interval '2 days' where id = $1", [sid]);
    const idle = await t.api.post<{ code: string }>('/api/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(idle.status).toBe(401);
    expect(idle.body.code).toBe('AUTH.INVALID_REFRESH_TOKEN');
    expect(await spentAny(sid)).toBe(false);
    // rolled back, not spent: the same token still works once the session is fresh again
    await query('update sessions set last_used_at = now() where id = $1', [sid]);
    expect((await t.api.post('/api/v1/auth/refresh', { refreshToken: first.refreshToken })).status).toBe(200);
  });

  it('refuses the refresh of a user no longer active, leaving the token unspent, and names the current role', async () => {
    const dev = await createUser(t, { organizationId: await organizationId(t), role: 'Developer' });
    const first = await signIn(t, dev.email, dev.password);
    const { sid } = claimsOf(first);
    // the user's row alone, as if the sessions' end had not reached this one yet
    await query("update users set status = 'deactivated' where id = $1", [dev.id]);
    expect((await second.api.post('/api/v1/auth/refresh', { refreshToken: first.refreshToken })).status).toBe(401);
    expect(await spentAny(sid)).toBe(false);
    await query("update users set status = 'active', role = 'Viewer' where id = $1", [dev.id]);
    const refreshed = await second.api.post<Tokens>('/api/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(claimsOf(refreshed.body)).toMatchObject({ sid, role: 'Viewer' });
  });

  it('refreshes thirty sessions at once on an instance holding no policy: read after a rollback, the token spent on the next attempt', async () => {
    const tokens: Tokens[] = [];
    for (let i = 0; i < 30; i++) tokens.push(await signIn());
    const fresh = await startTestApp({ env: t.env, removeOnClose: false });
    try {
      // no policy cached: the first refreshes read it outside their transactions, then spend
      await fresh.app.get(PolicyStore).changed(await organizationId(t));
      const answers = await Promise.all(tokens.map((pair) => fresh.api.post<Tokens>('/api/v1/auth/refresh', { refreshToken: pair.refreshToken })));
      expect(answers.map((a) => a.status)).toEqual(tokens.map(() => 200));
      expect(new Set(answers.map((a) => claimsOf(a.body).sid)).size).toBe(30);
    } finally {
      await fresh.close();
    }
  });

  it('refuses a revoked session’s access token on the next request, on every instance', async () => {
    const victim = await signIn();
    const other = await signIn();
    expect((await second.api.get('/api/v1/me', victim.accessToken)).status).toBe(200);
    const sessions = await t.api.get<{ items: { id: string; current: boolean }[] }>('/api/v1/me/sessions', other.accessToken);
    const current = sessions.body.items.find((s) => s.current)!;
    const target = sessions.body.items.find((s) => !s.current && s.id !== current.id)!;
    expect(target).toBeDefined();

    const me = await t.api.get<{ id: string }>('/api/v1/me', victim.accessToken);
    const victimSession = JSON.parse(Buffer.from(victim.accessToken.split('.')[1], 'base64url').toString()).sid as string;
    expect(me.status).toBe(200);
    const revoked = await t.api.request('DELETE', `/api/v1/me/sessions/${victimSession}`, { token: other.accessToken });
    expect(revoked.status).toBe(204);
    expect((await t.api.get('/api/v1/me', victim.accessToken)).status).toBe(401);
    expect((await second.api.get('/api/v1/me', victim.accessToken)).status).toBe(401);
    expect((await t.api.post('/api/v1/auth/refresh', { refreshToken: victim.refreshToken })).status).toBe(401);
    expect((await t.api.get('/api/v1/me', other.accessToken)).status).toBe(200);
  });

  it('lists the caller’s sessions with device details, and signs out all others', async () => {
    const mine = await signIn();
    await signIn();
    const list = await t.api.request<{ items: { current: boolean; userAgent: string; ip: string; authMethod: string }[] }>('GET', '/api/v1/me/sessions', {
      token: mine.accessToken,
      headers: { 'user-agent': 'e2e-browser/1.0' },
    });
    expect(list.body.items.filter((s) => s.current)).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ ip: '127.0.0.1', authMethod: 'password' });

    expect((await t.api.request('DELETE', '/api/v1/me/sessions', { token: mine.accessToken })).status).toBe(204);
    const after = await t.api.get<{ items: { current: boolean }[] }>('/api/v1/me/sessions', mine.accessToken);
    expect(after.body.items).toEqual([expect.objectContaining({ current: true })]);
  });

  it('ends the session on logout', async () => {
    const tokens = await signIn();
    expect((await t.api.request('POST', '/api/v1/auth/logout', { token: tokens.accessToken })).status).toBe(204);
    expect((await t.api.get('/api/v1/me', tokens.accessToken)).status).toBe(401);
    expect((await t.api.post('/api/v1/auth/refresh', { refreshToken: tokens.refreshToken })).status).toBe(401);
  });

  it('lets an administrator end another user’s sessions, and hides other users’ sessions', async () => {
    const org = await organizationId(t);
    const dev = await createUser(t, { organizationId: org, role: 'Developer' });
    const devTokens = await signIn(t, dev.email, dev.password);
    const admin = await signIn();

    const devSid = JSON.parse(Buffer.from(devTokens.accessToken.split('.')[1], 'base64url').toString()).sid as string;
    expect((await t.api.request('DELETE', `/api/v1/me/sessions/${devSid}`, { token: admin.accessToken })).status).toBe(404);
    expect((await t.api.request('DELETE', `/api/v1/users/${dev.id}/sessions`, { token: devTokens.accessToken })).status).toBe(403);
    expect((await t.api.request('DELETE', '/api/v1/users/not-a-uuid/sessions', { token: admin.accessToken })).status).toBe(400);

    expect((await t.api.request('DELETE', `/api/v1/users/${dev.id}/sessions`, { token: admin.accessToken })).status).toBe(204);
    expect((await second.api.get('/api/v1/me', devTokens.accessToken)).status).toBe(401);
  });
});
