import { localTime } from '../../../src/modules/access-policy/domain/access-windows';
import { requestFrom } from '../../support/from-address';
import { startTestApp, type TestApp } from '../../support/test-app';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../../support/test-env';
import { createUser, organizationId } from '../../support/users';

// The app trusts X-Forwarded-For only from 127.0.0.2 (the "proxy"); requests leave from that
// loopback address to act from the address they forward, or from 127.0.0.1 to be an
// untrusted client whose X-Forwarded-For must be ignored.
const PROXY = '127.0.0.2';
const ADMIN_IP = '192.0.2.10';
const OFFICE_V4 = '203.0.113.0/24';
const OFFICE_V6 = '2001:db8:1::/48';

interface Problem {
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** A weekly window from `from` to `to` minutes around the real now, in `timezone`'s wall clock. */
function windowAround(timezone: string, from: number, to: number, scope: Record<string, unknown> = {}) {
  const local = localTime(new Date(), timezone);
  let start = local.minutes + from;
  let day = local.isoWeekday;
  while (start < 0) [start, day] = [start + 1440, day === 1 ? 7 : day - 1];
  while (start >= 1440) [start, day] = [start - 1440, day === 7 ? 1 : day + 1];
  const end = (((local.minutes + to) % 1440) + 1440) % 1440;
  return { ...scope, timezone, days: [day], start: hhmm(start), end: hhmm(end) };
}

describe('where and when: IP allow-lists, access windows and break-glass', () => {
  let t: TestApp;
  let org: string;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ overrides: { TRUST_PROXY: PROXY, RATE_LIMIT_ANONYMOUS_POINTS: '1000' } });
    org = await organizationId(t);
    admin = (await login(ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_IP)).body.accessToken as string;
  });

  afterAll(async () => {
    await t.close();
  });

  const call = <T = Record<string, unknown>>(method: string, path: string, ip: string, options: { token?: string; body?: unknown } = {}) =>
    requestFrom<T>(t.api.baseUrl, PROXY, method, path, { ...options, headers: { 'x-forwarded-for': ip } });
  const login = (email: string, password: string, ip: string) => call('POST', '/api/v1/auth/login', ip, { body: { organization: 'default', email, password } });
  const me = (token: string, ip: string) => call<Problem>('GET', '/api/v1/me', ip, { token });
  const setPolicies = async (document: Record<string, unknown>) => {
    const saved = await call<Problem>('PUT', '/api/v1/policies', ADMIN_IP, { token: admin, body: document });
    expect([saved.status, saved.body]).toEqual([200, expect.anything()]);
  };
  const events = (type: string, userId: string, where = '') =>
    t.env.scalar(`select count(*) from events where type = $1 and subject->>'id' = $2 ${where}`, [type, userId]);

  async function developer(ip: string) {
    const user = await createUser(t, { organizationId: org, role: 'Developer' });
    return { ...user, signIn: () => login(user.email, user.password, ip) };
  }

  it('lets in allowed IPv4 and IPv6 addresses and refuses others at sign-in, naming the reason', async () => {
    await setPolicies({ ipAllowlist: [{ cidr: OFFICE_V4, roles: ['Developer'] }, { cidr: OFFICE_V6, roles: ['Developer'] }] });
    const user = await createUser(t, { organizationId: org, role: 'Developer' });
    expect((await login(user.email, user.password, '203.0.113.7')).status).toBe(200);
    expect((await login(user.email, user.password, '2001:db8:1:42::7')).status).toBe(200);

    for (const refused of ['198.51.100.7', '2001:db8:2::7']) {
      const answer = await login(user.email, user.password, refused);
      expect(answer.status).toBe(403);
      expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(answer.body).toMatchObject({ code: 'ACCESS.IP_RESTRICTED' });
      expect(answer.body.accessToken).toBeUndefined();
    }
    expect(await events('access.ip_refused', user.id, "and payload->>'stage' = 'sign_in'")).toBe(2);
    expect(await events('auth.login_failed', user.id, "and payload->>'reason' = 'ip_restricted'")).toBe(2);
    // a wrong password from a refused address learns nothing of the policy
    expect((await login(user.email, 'not the password', '198.51.100.7')).status).toBe(401);
  });

  it('refuses requests and refreshes from a refused address, JWTs and API keys alike', async () => {
    await setPolicies({ ipAllowlist: [{ cidr: OFFICE_V4, roles: ['Developer'] }, { cidr: OFFICE_V6, roles: ['Developer'] }] });
    const user = await developer('203.0.113.8');
    const signedIn = await user.signIn();
    const { accessToken, refreshToken } = signedIn.body as { accessToken: string; refreshToken: string };
    expect((await me(accessToken, '203.0.113.8')).status).toBe(200);

    const refused = await me(accessToken, '198.51.100.8');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('ACCESS.IP_RESTRICTED');
    expect((await me(accessToken, '2001:db8:ffff::8')).status).toBe(403);

    const key = await call<{ key: string }>('POST', '/api/v1/me/api-keys', '203.0.113.8', {
      token: accessToken,
      body: { name: 'ci', scopes: ['account:read'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(key.status).toBe(201);
    expect((await me(key.body.key, '2001:db8:1::8')).status).toBe(200);
    const keyRefused = await me(key.body.key, '198.51.100.8');
    expect(keyRefused.status).toBe(403);
    expect(keyRefused.body.code).toBe('ACCESS.IP_RESTRICTED');

    const refreshRefused = await call<Problem>('POST', '/api/v1/auth/refresh', '198.51.100.8', { body: { refreshToken } });
    expect(refreshRefused.status).toBe(403);
    expect(refreshRefused.body.code).toBe('ACCESS.IP_RESTRICTED');
    // the refused refresh spent nothing: the same token works from the office
    expect((await call('POST', '/api/v1/auth/refresh', '203.0.113.8', { body: { refreshToken } })).status).toBe(200);
    // requests are recorded as samples, not one event each
    for (let i = 0; i < 5; i++) await me(accessToken, '198.51.100.8');
    expect(await events('access.ip_refused', user.id, "and payload->>'stage' = 'request' and payload->>'ip' = '198.51.100.8'")).toBe(1);
  });

  it('ignores a spoofed X-Forwarded-For from anyone but the trusted proxy', async () => {
    await setPolicies({ ipAllowlist: [{ cidr: OFFICE_V4, roles: ['Developer'] }, { cidr: '127.0.0.1/32', roles: ['Viewer'] }] });
    const user = await createUser(t, { organizationId: org, role: 'Developer' });
    const body = { organization: 'default', email: user.email, password: user.password };
    // straight from 127.0.0.1, claiming an office address: judged as 127.0.0.1
    const spoofed = await requestFrom<Problem>(t.api.baseUrl, '127.0.0.1', 'POST', '/api/v1/auth/login', { body, headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(spoofed.status).toBe(403);
    expect(spoofed.body.code).toBe('ACCESS.IP_RESTRICTED');
    expect(await t.env.scalar("select count(*) from events where type = 'access.ip_refused' and subject->>'id' = $1 and payload->>'ip' = '127.0.0.1'", [user.id])).toBe(1);
    // the same header through the trusted proxy is believed
    expect((await requestFrom(t.api.baseUrl, PROXY, 'POST', '/api/v1/auth/login', { body, headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(200);
    // and an allowed direct client is not shut out by a refused address it claims
    const viewer = await createUser(t, { organizationId: org, role: 'Viewer' });
    const direct = await requestFrom(t.api.baseUrl, '127.0.0.1', 'POST', '/api/v1/auth/login', {
      body: { organization: 'default', email: viewer.email, password: viewer.password },
      headers: { 'x-forwarded-for': '198.51.100.99' },
    });
    expect(direct.status).toBe(200);
  });

  it('lets the user in on the next request once the restriction is lifted', async () => {
    await setPolicies({ ipAllowlist: [{ cidr: OFFICE_V4, roles: ['Developer'] }] });
    const user = await developer('203.0.113.11');
    const token = (await user.signIn()).body.accessToken as string;
    expect((await me(token, '198.51.100.11')).status).toBe(403);
    await setPolicies({ ipAllowlist: [] });
    expect((await me(token, '198.51.100.11')).status).toBe(200);
    expect((await login(user.email, user.password, '198.51.100.11')).status).toBe(200);
  });

  it('refuses outside the access window at sign-in and on the next request, judging each window in its own time zone', async () => {
    const user = await developer('203.0.113.12');
    // open now in Tokyo and closed now in Los Angeles: the open one lets in
    await setPolicies({
      accessWindows: [windowAround('Asia/Tokyo', -60, 60, { users: [user.id] }), windowAround('America/Los_Angeles', 120, 180, { users: [user.id] })],
    });
    const token = (await user.signIn()).body.accessToken as string;
    expect((await me(token, '203.0.113.12')).status).toBe(200);

    // only the closed one left: the token in hand stops at its next request, sign-in is refused
    await setPolicies({ accessWindows: [windowAround('America/Los_Angeles', 120, 180, { roles: ['Developer'] })] });
    const refused = await me(token, '203.0.113.12');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('ACCESS.OUTSIDE_ACCESS_WINDOW');
    const signIn = await user.signIn();
    expect(signIn.status).toBe(403);
    expect((signIn.body as unknown as Problem).code).toBe('ACCESS.OUTSIDE_ACCESS_WINDOW');
    expect(await events('access.outside_window', user.id, "and payload->>'stage' = 'sign_in'")).toBe(1);
    expect(await events('auth.login_failed', user.id, "and payload->>'reason' = 'outside_access_window'")).toBe(1);

    // a window running across midnight that holds now lets in again
    await setPolicies({ accessWindows: [windowAround('Europe/Berlin', -22 * 60, 60, { roles: ['Developer'] })] });
    expect((await me(token, '203.0.113.12')).status).toBe(200);
    await setPolicies({});
  });

  it('lets a refresh through a window naming the user’s team, and refuses one outside it with the token unspent', async () => {
    const ip = '203.0.113.31';
    const user = await developer(ip);
    const team = (await call<{ id: string }>('POST', '/api/v1/teams', ADMIN_IP, { token: admin, body: { name: 'Refreshing shift' } })).body.id;
    expect((await call('PUT', `/api/v1/teams/${team}/members/${user.id}`, ADMIN_IP, { token: admin, body: {} })).status).toBe(201);
    await setPolicies({ ipAllowlist: [], accessWindows: [] });
    const signedIn = await user.signIn();
    expect(signedIn.status).toBe(200);
    // the window's team needs a membership read: decided outside the refresh's transaction
    await setPolicies({ ipAllowlist: [], accessWindows: [windowAround('UTC', -60, 60, { teams: [team] })] });
    const refreshed = await call<{ refreshToken: string }>('POST', '/api/v1/auth/refresh', ip, { body: { refreshToken: signedIn.body.refreshToken } });
    expect(refreshed.status).toBe(200);
    await setPolicies({ ipAllowlist: [], accessWindows: [windowAround('UTC', 60, 120, { teams: [team] })] });
    const refused = await call<Problem>('POST', '/api/v1/auth/refresh', ip, { body: { refreshToken: refreshed.body.refreshToken } });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('ACCESS.OUTSIDE_ACCESS_WINDOW');
    expect(await events('access.outside_window', user.id, "and payload->>'stage' = 'refresh'")).toBe(1);
    await setPolicies({ ipAllowlist: [], accessWindows: [] });
    expect((await call('POST', '/api/v1/auth/refresh', ip, { body: { refreshToken: refreshed.body.refreshToken } })).status).toBe(200);
  });

  it('lets a break-glass user through IP and window restrictions, and records each use as high severity', async () => {
    const user = await developer('198.51.100.13');
    const everyoneElse = await developer('198.51.100.13');
    await setPolicies({
      ipAllowlist: [{ cidr: OFFICE_V4, roles: ['Developer'] }],
      accessWindows: [windowAround('UTC', 120, 180, { roles: ['Developer'] })],
      breakGlassUsers: [user.id],
    });
    expect((await everyoneElse.signIn()).status).toBe(403);
    const signedIn = await user.signIn();
    expect(signedIn.status).toBe(200);
    expect(await events('access.break_glass_used', user.id, "and payload->>'stage' = 'sign_in' and payload->>'severity' = 'high'")).toBe(1);
    const payload = await t.env.sql().then(async (sql) => {
      try {
        return (await sql.query("select payload from events where type = 'access.break_glass_used' and subject->>'id' = $1", [user.id])).rows[0].payload as Record<string, unknown>;
      } finally {
        await sql.end();
      }
    });
    expect(payload).toMatchObject({ bypassed: ['ip_restricted', 'outside_access_window'], ip: '198.51.100.13' });
    expect((await me(signedIn.body.accessToken as string, '198.51.100.13')).status).toBe(200);
    expect(await events('access.break_glass_used', user.id, "and payload->>'stage' = 'request'")).toBe(1);
    const refreshed = await call('POST', '/api/v1/auth/refresh', '198.51.100.13', { body: { refreshToken: signedIn.body.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(await events('access.break_glass_used', user.id, "and payload->>'stage' = 'refresh'")).toBe(1);
    await setPolicies({});
  });

  it('refuses a change that would lock out the administrator making it, naming the rule, unless confirmed', async () => {
    const byAddress = await call<Problem>('PUT', '/api/v1/policies', ADMIN_IP, { token: admin, body: { ipAllowlist: [{ cidr: '198.51.100.0/24' }] } });
    expect(byAddress.status).toBe(409);
    expect(byAddress.body.code).toBe('POLICIES.SELF_LOCKOUT');
    expect(byAddress.body.detail).toContain('ipAllowlist[0] 198.51.100.0/24');
    expect(byAddress.body.detail).toContain(ADMIN_IP);
    expect(byAddress.body.errors).toEqual([expect.objectContaining({ field: 'ipAllowlist' })]);

    const byTime = await call<Problem>('PUT', '/api/v1/policies', ADMIN_IP, { token: admin, body: { accessWindows: [windowAround('Europe/Berlin', 120, 180)] } });
    expect(byTime.status).toBe(409);
    expect(byTime.body.detail).toContain('accessWindows[0]');
    expect((await call('GET', '/api/v1/policies', ADMIN_IP, { token: admin })).body).toMatchObject({ ipAllowlist: [], accessWindows: [] });

    // confirmed, it is saved and noted; the administrator now gets in only from the allowed range
    const confirmed = await call('PUT', '/api/v1/policies?confirmSelfLockout=true', ADMIN_IP, { token: admin, body: { ipAllowlist: [{ cidr: '198.51.100.0/24', roles: ['Administrator'] }] } });
    expect(confirmed.status).toBe(200);
    expect((await me(admin, ADMIN_IP)).status).toBe(403);
    expect((await call('PUT', '/api/v1/policies', '198.51.100.1', { token: admin, body: {} })).status).toBe(200);
    expect(await t.env.scalar("select count(*) from events where type = 'policy.updated' and (payload->>'selfLockoutConfirmed')::boolean")).toBe(1);
  });

  it('records every policy change with the document before and after', async () => {
    await setPolicies({ ipAllowlist: [{ cidr: OFFICE_V6, roles: ['Viewer'] }] });
    await setPolicies({ ipAllowlist: [{ cidr: OFFICE_V4, roles: ['Viewer'] }], ssoOnly: false });
    const sql = await t.env.sql();
    try {
      const { rows } = await sql.query("select payload from events where type = 'policy.updated' order by seq desc limit 1");
      expect(rows[0].payload).toMatchObject({
        changedSections: ['ipAllowlist'],
        before: { ipAllowlist: [{ cidr: OFFICE_V6, roles: ['Viewer'] }] },
        after: { ipAllowlist: [{ cidr: OFFICE_V4, roles: ['Viewer'] }] },
      });
    } finally {
      await sql.end();
    }
  });
});
