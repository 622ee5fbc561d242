import { startTestApp, type TestApp } from '../../support/test-app';
import { createUser, organizationId } from '../../support/users';

// the administrator asking sits on the loopback: the self-lockout guard wants them kept in
const ADMIN_HERE = { cidr: '127.0.0.0/8', roles: ['Administrator'] };

interface Decision {
  allowed: boolean;
  reason: string;
  rules: { source: string; policy?: string; indexes?: number[]; description?: string }[];
}

// The decision API answers the organization's policies with the same evaluation as sign-in
// and every request: where (the address the asking service passes), when, and MFA.
describe('the decision API narrowed by the organization’s policies', () => {
  let t: TestApp;
  let admin: string;
  let dev: { id: string };
  const develop = (extra: Record<string, unknown> = {}) => ({ action: 'develop', resource: { type: 'application' }, ...extra });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.adminToken();
    dev = await createUser(t, { organizationId: await organizationId(t), role: 'Developer' });
  });

  afterAll(async () => {
    await t.close();
  });

  async function setPolicy(body: Record<string, unknown>): Promise<void> {
    const response = await t.api.request('PUT', '/api/v1/policies', { token: admin, body });
    expect(response.status).toBe(200);
  }

  async function ask(path: 'check' | 'explain', body: Record<string, unknown>): Promise<Decision> {
    const response = await t.api.post<Decision>(`/api/v1/authz/${path}`, { userId: dev.id, ...body }, admin);
    expect(response.status).toBe(200);
    return response.body;
  }

  it('answers ip_restricted for an address outside the allow-list, and judges no address it was not given', async () => {
    expect(await ask('check', develop({ ip: '198.51.100.9' }))).toMatchObject({ allowed: true, reason: 'granted' });
    await setPolicy({ ipAllowlist: [ADMIN_HERE, { cidr: '203.0.113.0/24' }, { cidr: '2001:db8::/32' }] });
    expect(await ask('check', develop({ ip: '198.51.100.9' }))).toMatchObject({ allowed: false, reason: 'ip_restricted' });
    expect(await ask('check', develop({ ip: '2001:db8::7' }))).toMatchObject({ allowed: true, reason: 'granted' });
    expect(await ask('check', develop())).toMatchObject({ allowed: true, reason: 'granted' });
    const explained = await ask('explain', develop({ ip: '198.51.100.9' }));
    expect(explained.rules).toEqual([expect.objectContaining({ source: 'policy', policy: 'ipAllowlist', description: expect.stringContaining('198.51.100.9') })]);
    await setPolicy({ ipAllowlist: [] });
  });

  it('refuses a malformed address naming the field', async () => {
    const response = await t.api.post<{ errors: { field: string }[] }>('/api/v1/authz/check', { userId: dev.id, ...develop({ ip: 'not-an-ip' }) }, admin);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error) => error.field)).toContain('ip');
  });

  it('answers outside_access_window when the user’s window is closed now, and granted once it is lifted', async () => {
    const now = new Date();
    const closedDay = ((now.getUTCDay() + 2) % 7) + 1; // ISO weekday two days from today: never now
    await setPolicy({ accessWindows: [{ users: [dev.id], timezone: 'UTC', days: [closedDay], start: '00:00', end: '23:59' }] });
    const refused = await ask('explain', develop());
    expect(refused).toMatchObject({ allowed: false, reason: 'outside_access_window' });
    expect(refused.rules[0]).toMatchObject({ source: 'policy', policy: 'accessWindows', indexes: [0] });
    await setPolicy({ accessWindows: [] });
    expect(await ask('check', develop())).toMatchObject({ allowed: true, reason: 'granted' });
  });

  it('answers mfa_required when the role needs MFA and the user has not enrolled', async () => {
    await setPolicy({ mfa: { requiredForRoles: ['Developer'] } });
    const refused = await ask('explain', develop());
    expect(refused).toMatchObject({ allowed: false, reason: 'mfa_required' });
    expect(refused.rules[0]).toMatchObject({ source: 'policy', policy: 'mfa' });
    await setPolicy({ mfa: { requiredForRoles: [] } });
    expect(await ask('check', develop())).toMatchObject({ allowed: true, reason: 'granted' });
  });

  it('lets a break-glass user past the address and the window, never past MFA', async () => {
    await setPolicy({ ipAllowlist: [ADMIN_HERE, { cidr: '203.0.113.0/24' }], breakGlassUsers: [dev.id] });
    expect(await ask('check', develop({ ip: '198.51.100.9' }))).toMatchObject({ allowed: true, reason: 'granted' });
    await setPolicy({ mfa: { requiredForRoles: ['Developer'] } });
    expect(await ask('check', develop({ ip: '198.51.100.9' }))).toMatchObject({ allowed: false, reason: 'mfa_required' });
    await setPolicy({ ipAllowlist: [], breakGlassUsers: [], mfa: { requiredForRoles: [] } });
  });
});
