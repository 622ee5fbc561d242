import { localTime } from '../../../src/modules/access-policy/domain/access-windows';
import { startTestApp, type TestApp } from '../../support/test-app';
import { createOrganization, createUser, organizationId } from '../../support/users';

interface Fix {
  action: string;
  method: string;
  href: string;
}

interface Diagnosis {
  userId: string;
  canSignIn: boolean;
  ip: string | null;
  findings: { code: string; blocking: boolean; message: string; details: Record<string, unknown>; fixes: Fix[] }[];
}

// The admin acts from 192.0.2.10 through a trusted loopback proxy; the users under diagnosis from elsewhere.
describe('GET /api/v1/users/:id/sign-in-diagnosis', () => {
  let t: TestApp;
  let org: string;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ overrides: { TRUST_PROXY: '127.0.0.1', RATE_LIMIT_ANONYMOUS_POINTS: '1000' } });
    org = await organizationId(t);
    admin = await t.adminToken();
  });

  afterAll(async () => {
    await t.close();
  });

  const asAdmin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    t.api.request<T>(method, path, { token: admin, body, headers: { 'x-forwarded-for': '192.0.2.10' } });
  const diagnose = (userId: string, query = '') => asAdmin<Diagnosis>('GET', `/api/v1/users/${userId}/sign-in-diagnosis${query}`);
  const finding = async (userId: string, code: string, query = '') => {
    const diagnosis = await diagnose(userId, query);
    expect(diagnosis.status).toBe(200);
    const found = diagnosis.body.findings.find((f) => f.code === code);
    expect(found).toBeDefined();
    return { diagnosis: diagnosis.body, finding: found! };
  };
  const setPolicies = async (document: Record<string, unknown>) => expect((await asAdmin('PUT', '/api/v1/policies', document)).status).toBe(200);
  const applyFix = (fix: Fix, body: unknown = {}) => asAdmin(fix.method, fix.href, body);
  const viewer = () => createUser(t, { organizationId: org, role: 'Viewer' });

  it('finds nothing in the way of an active user', async () => {
    const user = await viewer();
    const diagnosis = await diagnose(user.id);
    expect(diagnosis.body).toMatchObject({ userId: user.id, canSignIn: true, ip: null, findings: [] });
  });

  it('names a deactivated account, and its fix reactivates it', async () => {
    const user = await viewer();
    expect((await asAdmin('POST', `/api/v1/users/${user.id}/deactivate`)).status).toBe(200);
    const { diagnosis, finding: deactivated } = await finding(user.id, 'account_deactivated');
    expect(diagnosis.canSignIn).toBe(false);
    expect(deactivated.fixes).toEqual([{ action: 'reactivate', method: 'POST', href: `/api/v1/users/${user.id}/reactivate` }]);
    expect((await applyFix(deactivated.fixes[0])).status).toBe(200);
    expect((await diagnose(user.id)).body.canSignIn).toBe(true);
  });

  it('names a lockout for the address with when it ends, and its fix unlocks', async () => {
    const user = await viewer();
    for (let i = 0; i < 5; i++) {
      await t.api.request('POST', '/api/v1/auth/login', { body: { organization: 'default', email: user.email, password: `wrong ${i}` }, headers: { 'x-forwarded-for': '198.51.100.50' } });
    }
    const { finding: locked } = await finding(user.id, 'locked', '?ip=198.51.100.50');
    expect(Date.parse(locked.details.until as string)).toBeGreaterThan(Date.now());
    expect(locked.fixes[0]).toEqual({ action: 'unlock', method: 'POST', href: `/api/v1/users/${user.id}/unlock` });
    expect((await applyFix(locked.fixes[0])).body).toEqual({ wasLocked: true });
    expect((await diagnose(user.id, '?ip=198.51.100.50')).body.canSignIn).toBe(true);
  });

  async function invite(): Promise<string> {
    const invited = await asAdmin<{ id: string }>('POST', '/api/v1/invitations', { email: `invitee-${Date.now()}-${Math.random()}@example.com`, role: 'Viewer' });
    expect(invited.status).toBe(201);
    const sql = await t.env.sql();
    try {
      return (await sql.query<{ user_id: string }>('select user_id from invitations where id = $1', [invited.body.id])).rows[0].user_id;
    } finally {
      await sql.end();
    }
  }

  it('names a pending invitation, and its fix resends it', async () => {
    const userId = await invite();
    const { diagnosis, finding: pending } = await finding(userId, 'invitation_pending');
    expect(diagnosis.canSignIn).toBe(false);
    expect(pending.fixes[0]).toMatchObject({ action: 'resend_invitation', method: 'POST' });
    expect((await applyFix(pending.fixes[0])).status).toBe(200);
  });

  it('names an expired invitation', async () => {
    const userId = await invite();
    const sql = await t.env.sql();
    await sql.query("update invitations set expires_at = now() - interval '1 day' where user_id = $1", [userId]).finally(() => sql.end());
    const { finding: expired } = await finding(userId, 'invitation_expired');
    expect(expired.fixes[0].action).toBe('resend_invitation');
  });

  it('names MFA required for the role but not enrolled', async () => {
    const user = await createUser(t, { organizationId: org, role: 'Developer' });
    await setPolicies({ mfa: { requiredForRoles: ['Developer'] } });
    const { finding: mfa } = await finding(user.id, 'mfa_enrollment_required');
    expect(mfa).toMatchObject({ blocking: false, details: { role: 'Developer' } });
    await setPolicies({});
  });

  it('names an expired password', async () => {
    const user = await viewer();
    const sql = await t.env.sql();
    await sql.query("update users set password_changed_at = now() - interval '40 days' where id = $1", [user.id]).finally(() => sql.end());
    await setPolicies({ password: { expiryDays: 30 } });
    const { finding: expired } = await finding(user.id, 'password_expired');
    expect(Date.parse(expired.details.expiredAt as string)).toBeLessThan(Date.now());
    await setPolicies({});
  });

  it('names SSO-only, which refuses password sign-in', async () => {
    const user = await viewer();
    await setPolicies({ ssoOnly: true });
    const { diagnosis } = await finding(user.id, 'sso_only');
    expect(diagnosis.canSignIn).toBe(false);
    const refused = await t.api.post<{ code: string }>('/api/v1/auth/login', { organization: 'default', email: user.email, password: user.password });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('AUTH.SSO_ONLY');
    await setPolicies({});
  });

  it('names the IP allow-list for a given address, and refuses a malformed one naming the field', async () => {
    const user = await viewer();
    await setPolicies({ ipAllowlist: [{ cidr: '203.0.113.0/24', roles: ['Viewer'] }] });
    const { diagnosis, finding: ip } = await finding(user.id, 'ip_restricted', '?ip=2001:db8::1');
    expect(diagnosis).toMatchObject({ canSignIn: false, ip: '2001:db8::1' });
    expect(ip.details).toEqual({ ip: '2001:db8::1', rules: [{ index: 0, cidr: '203.0.113.0/24' }] });
    expect(ip.fixes).toEqual([{ action: 'change_policy', method: 'PUT', href: '/api/v1/policies' }]);
    expect((await diagnose(user.id, '?ip=203.0.113.77')).body.canSignIn).toBe(true);
    const bad = await diagnose(user.id, '?ip=not-an-address');
    expect(bad.status).toBe(400);
    expect((bad.body as unknown as { errors: { field: string }[] }).errors[0].field).toBe('ip');
    await setPolicies({});
  });

  it('names a closed access window with its next opening', async () => {
    const user = await viewer();
    const local = localTime(new Date(), 'UTC');
    const start = (local.minutes + 120) % 1440;
    const day = local.minutes + 120 >= 1440 ? (local.isoWeekday % 7) + 1 : local.isoWeekday;
    const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    await setPolicies({ accessWindows: [{ roles: ['Viewer'], timezone: 'UTC', days: [day], start: hhmm(start), end: hhmm((start + 60) % 1440) }] });
    const { diagnosis, finding: window } = await finding(user.id, 'outside_access_window');
    expect(diagnosis.canSignIn).toBe(false);
    const next = Date.parse(window.details.nextOpening as string);
    expect(next - Date.now()).toBeGreaterThan(60 * 60_000);
    expect(next - Date.now()).toBeLessThanOrEqual(2 * 60 * 60_000);
    await setPolicies({});
  });

  it('answers 404 for another organization’s user and 403 to those who may not manage users', async () => {
    const other = await createOrganization(t, 'diagnosis-other');
    const stranger = await createUser(t, { organizationId: other.id, role: 'Viewer' });
    expect((await diagnose(stranger.id)).status).toBe(404);
    const developer = await createUser(t, { organizationId: org, role: 'Developer' });
    const token = await t.api.login('default', developer.email, developer.password);
    expect((await t.api.get(`/api/v1/users/${developer.id}/sign-in-diagnosis`, token)).status).toBe(403);
  });
});
