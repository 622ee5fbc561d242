import { startTestApp, type TestApp } from '../../support/test-app';
import { createUser, organizationId } from '../../support/users';

describe('brute-force protection', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ overrides: { LOCKOUT_IP_MAX_FAILURES: '1000' } });
  });

  afterAll(async () => {
    await t.close();
  });

  const login = (email: string, password: string) => t.api.post('/api/v1/auth/login', { organization: 'default', email, password });

  it('gives the same 401 for an unknown email as for a wrong password', async () => {
    const org = await organizationId(t);
    const user = await createUser(t, { organizationId: org, role: 'Viewer' });
    const wrong = await login(user.email, 'not the password at all');
    const unknown = await login('nobody-here@example.com', 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ ...wrong.body, instance: wrong.body.instance });
  });

  it('locks after five failures with 429 and Retry-After, even for the right password, and an admin unlocks', async () => {
    const org = await organizationId(t);
    const user = await createUser(t, { organizationId: org, role: 'Developer' });
    for (let i = 0; i < 5; i++) expect((await login(user.email, `wrong ${i}`)).status).toBe(401);

    const locked = await login(user.email, user.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(locked.body.code).toBe('AUTH.LOCKED');

    const admin = await t.adminToken();
    const unlocked = await t.api.post(`/api/v1/users/${user.id}/unlock`, {}, admin);
    expect(unlocked.status).toBe(200);
    expect(unlocked.body).toEqual({ wasLocked: true });
    expect((await login(user.email, user.password)).status).toBe(200);

    const sql = await t.env.sql();
    try {
      const { rows } = await sql.query<{ type: string; payload: Record<string, unknown> }>(
        "select type, payload from events where subject->>'id' = $1 and type in ('auth.login_failed', 'security.account_locked', 'auth.account_unlocked') order by seq",
        [user.id],
      );
      expect(rows.map((r) => r.type)).toEqual([
        ...Array(4).fill('auth.login_failed'),
        'auth.login_failed',
        'security.account_locked',
        'auth.login_failed',
        'auth.account_unlocked',
      ]);
      expect(rows[5].payload).toMatchObject({ scope: 'account_address', lockedForSeconds: 900, failures: 5 });
      expect(rows[6].payload).toMatchObject({ reason: 'locked' });
      expect(rows[0].payload).toMatchObject({ reason: 'bad_password', method: 'password' });
    } finally {
      await sql.end();
    }
  });

  it('locks an unknown address exactly like a known one', async () => {
    for (let i = 0; i < 5; i++) expect((await login('ghost@example.com', `guess ${i}`)).status).toBe(401);
    const locked = await login('ghost@example.com', 'guess 6');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBeTruthy();
  });

  it('keeps unlocking to administrators', async () => {
    const org = await organizationId(t);
    const viewer = await createUser(t, { organizationId: org, role: 'Viewer' });
    const token = await t.api.login('default', viewer.email, viewer.password);
    expect((await t.api.post(`/api/v1/users/${viewer.id}/unlock`, {}, token)).status).toBe(403);
  });
});

describe('brute-force protection per IP', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ overrides: { LOCKOUT_IP_MAX_FAILURES: '3' } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('locks an address that fails across many accounts', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await t.api.post('/api/v1/auth/login', { organization: 'default', email: `spray${i}@example.com`, password: 'Winter2026!' })).status).toBe(401);
    }
    const blocked = await t.api.post('/api/v1/auth/login', { organization: 'default', email: 'admin@example.com', password: 'Winter2026!' });
    expect(blocked.status).toBe(429);
  });
});
