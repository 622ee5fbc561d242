import * as OTPAuth from 'otpauth';
import { startTestApp, type TestApp } from '../../support/test-app';
import { createUser, organizationId } from '../../support/users';

// the enrolment spends the current step's code; sign-ins after it use the next step's (±1 step is accepted)
function codeFor(secret: string, offsetSteps = 0): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

// Each story comes from addresses of its own (documentation ranges, sent as X-Forwarded-For
// through a trusted loopback proxy), so the per-address limits of one do not touch another.
describe('brute force and floods', () => {
  let t: TestApp;
  let org: string;

  beforeAll(async () => {
    t = await startTestApp({
      overrides: { TRUST_PROXY: '127.0.0.1', RATE_LIMIT_ANONYMOUS_POINTS: '300', RATE_LIMIT_PASSWORD_FORGOT_POINTS: '5', LOCKOUT_IP_MAX_FAILURES: '1000' },
    });
    org = await organizationId(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const login = (email: string, password: string, ip: string) =>
    t.api.request<Record<string, unknown>>('POST', '/api/v1/auth/login', { body: { organization: 'default', email, password }, headers: from(ip) });
  const verify = (mfaToken: string, code: string, ip: string) =>
    t.api.request<Record<string, unknown>>('POST', '/api/v1/auth/mfa/verify', { body: { mfaToken, code }, headers: from(ip) });
  const events = (type: string, userId: string, reason?: string) =>
    t.env.scalar(`select count(*) from events where type = $1 and subject->>'id' = $2 ${reason ? "and payload->>'reason' = $3" : ''}`, reason ? [type, userId, reason] : [type, userId]);

  async function userWithMfa(ip: string): Promise<{ id: string; email: string; password: string; secret: string }> {
    const user = await createUser(t, { organizationId: org, role: 'Developer' });
    const signedIn = await login(user.email, user.password, ip);
    const token = signedIn.body.accessToken as string;
    const started = await t.api.post<{ secret: string }>('/api/v1/me/mfa/totp', {}, token);
    expect((await t.api.post('/api/v1/me/mfa/totp/confirm', { code: codeFor(started.body.secret) }, token)).status).toBe(200);
    return { ...user, secret: started.body.secret };
  }

  it('judges at most the limit of 60 parallel wrong passwords; the rest are refused before any check', async () => {
    const user = await createUser(t, { organizationId: org, role: 'Viewer' });
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => login(user.email, `wrong guess ${i}`, '198.51.100.10')));
    const judged = answers.filter((answer) => answer.status === 401).length;
    expect(judged).toBeLessThanOrEqual(5);
    // refused by the lock (429), or past the hashing pool's room before any read (503): no guess either way
    expect(answers.filter((answer) => answer.status === 429 || answer.status === 503)).toHaveLength(60 - judged);
    expect(answers.some((answer) => answer.status === 429)).toBe(true);
    expect(answers.every((answer) => [401, 429, 503].includes(answer.status))).toBe(true);
    expect(await events('auth.login_failed', user.id, 'bad_password')).toBeLessThanOrEqual(5);
    // the right password is refused too while the lock holds, with when to come back
    const locked = await login(user.email, user.password, '198.51.100.10');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('records refusals of a locked account as samples, not one event per request', async () => {
    const user = await createUser(t, { organizationId: org, role: 'Viewer' });
    for (let i = 0; i < 5; i++) await login(user.email, `wrong ${i}`, '198.51.100.20');
    const refused = await Promise.all(Array.from({ length: 100 }, () => login(user.email, 'still wrong', '198.51.100.20')));
    // (a 503: past the hashing pool's room, refused before the lock was even read)
    expect(refused.every((answer) => answer.status === 429 || answer.status === 503)).toBe(true);
    expect(refused.some((answer) => answer.status === 429)).toBe(true);
    // the 1st, 10th and 100th refusal of the window say how many there were
    const sampled = await events('auth.login_failed', user.id, 'locked');
    expect(sampled).toBeGreaterThanOrEqual(1);
    expect(sampled).toBeLessThanOrEqual(3);
  });

  it('lets the user in from an address they signed in from while an attacker hammers the account from others', async () => {
    const user = await createUser(t, { organizationId: org, role: 'Developer' });
    expect((await login(user.email, user.password, '203.0.113.5')).status).toBe(200);
    // an attacker who knows the email spreads wrong passwords over many addresses
    for (let i = 1; i <= 25; i++) await login(user.email, `attacker ${i}`, `198.51.100.${100 + i}`);
    // the account now refuses addresses it has never seen, even with the right password…
    const stranger = await login(user.email, user.password, '192.0.2.77');
    expect(stranger.status).toBe(429);
    expect(stranger.headers.get('retry-after')).toBeTruthy();
    // …while the owner's known address still gets in
    const owner = await login(user.email, user.password, '203.0.113.5');
    expect(owner.status).toBe(200);
    expect(owner.body.accessToken).toEqual(expect.any(String));
    expect(await events('security.account_locked', user.id)).toBeGreaterThanOrEqual(1);
  });

  it('never yields a session from 30 parallel wrong codes on one MFA challenge, even with a good code afterwards', async () => {
    const user = await userWithMfa('203.0.113.30');
    const step = await login(user.email, user.password, '203.0.113.30');
    const mfaToken = step.body.mfaToken as string;
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => verify(mfaToken, String(100000 + i), '198.51.100.30')));
    expect(answers.some((answer) => answer.status === 200)).toBe(false);
    expect(answers.filter((answer) => answer.status === 401).length).toBeLessThanOrEqual(5);
    const good = await verify(mfaToken, codeFor(user.secret), '198.51.100.30');
    expect(good.status).not.toBe(200);
    expect(good.body.accessToken).toBeUndefined();
    expect(await events('auth.mfa_failed', user.id)).toBeLessThanOrEqual(5);
  });

  it('counts wrong codes across challenges: a new password sign-in does not reset them, the fifth locks the MFA step', async () => {
    const user = await userWithMfa('203.0.113.40');
    const first = (await login(user.email, user.password, '203.0.113.40')).body.mfaToken as string;
    for (let i = 0; i < 3; i++) expect((await verify(first, String(200000 + i), '203.0.113.40')).status).toBe(401);
    // the password again: a fresh challenge, but the MFA failures are still counted
    const second = (await login(user.email, user.password, '203.0.113.40')).body.mfaToken as string;
    for (let i = 0; i < 2; i++) expect((await verify(second, String(300000 + i), '203.0.113.40')).status).toBe(401);
    const refused = await verify(second, codeFor(user.secret), '203.0.113.40');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await events('security.account_locked', user.id)).toBeGreaterThanOrEqual(1);
  });

  it('ends one challenge at its fifth wrong code, so even an unlocked account needs a new sign-in', async () => {
    const user = await userWithMfa('203.0.113.45');
    const mfaToken = (await login(user.email, user.password, '203.0.113.45')).body.mfaToken as string;
    // spread over addresses, so only the account's MFA count and the challenge itself stop them
    for (let i = 0; i < 5; i++) expect((await verify(mfaToken, String(400000 + i), `203.0.113.${46 + i}`)).status).toBe(401);
    expect(await t.env.scalar("select failed_attempts from auth_challenges where user_id = $1 and purpose = 'mfa_verify' and used_at is not null", [user.id])).toBe(5);
    // an administrator lifts the lock: the challenge stays dead all the same
    const admin = await t.adminToken();
    expect((await t.api.post(`/api/v1/users/${user.id}/unlock`, {}, admin)).body).toEqual({ wasLocked: true });
    const late = await verify(mfaToken, codeFor(user.secret), '203.0.113.45');
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('AUTH.INVALID_CHALLENGE');
    // a new sign-in with the password and a good code works again
    const fresh = (await login(user.email, user.password, '203.0.113.45')).body.mfaToken as string;
    expect((await verify(fresh, codeFor(user.secret, 1), '203.0.113.45')).status).toBe(200);
  });

  it('throttles re-verification: wrong current passwords and wrong codes get 429 with Retry-After', async () => {
    const user = await userWithMfa('203.0.113.60');
    const mfaToken = (await login(user.email, user.password, '203.0.113.60')).body.mfaToken as string;
    const token = (await verify(mfaToken, codeFor(user.secret, 1), '203.0.113.60')).body.accessToken as string;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await t.api.post('/api/v1/me/password', { currentPassword: `not it ${i}`, newPassword: 'a fine new passphrase 1' }, token)).status);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400]);
    expect(await events('security.account_locked', user.id)).toBe(1);
    const locked = await t.api.post('/api/v1/me/password', { currentPassword: user.password, newPassword: 'a fine new passphrase 1' }, token);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // codes for turning MFA off share the limit
    const disable = await t.api.request('DELETE', '/api/v1/me/mfa', { token, body: { code: codeFor(user.secret) } });
    expect(disable.status).toBe(429);
    const regenerate = await t.api.post('/api/v1/me/mfa/recovery-codes', { code: '123456' }, token);
    expect(regenerate.status).toBe(429);
  });

  it('gives an anonymous flood of reset requests 429s and adds a bounded number of events', async () => {
    const before = await t.env.scalar("select count(*) from events where type = 'auth.password_reset_requested'");
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        t.api.request('POST', '/api/v1/auth/password/forgot', { body: { organization: 'default', email: `nobody${i}@example.com` }, headers: from('198.51.100.200') }),
      ),
    );
    expect(answers.filter((answer) => answer.status === 202)).toHaveLength(5);
    const throttled = answers.filter((answer) => answer.status === 429);
    expect(throttled).toHaveLength(195);
    expect(throttled[0].headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(Number(throttled[0].headers.get('retry-after'))).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const added = (await t.env.scalar("select count(*) from events where type = 'auth.password_reset_requested'")) - before;
    expect(added).toBeLessThanOrEqual(5);
    // another address is not affected
    const other = await t.api.request('POST', '/api/v1/auth/password/forgot', { body: { organization: 'default', email: 'x@example.com' }, headers: from('198.51.100.201') });
    expect(other.status).toBe(202);
  });

  it('limits every anonymous route per address with one mechanism', async () => {
    const ip = '198.51.100.210';
    const answers = await Promise.all(
      Array.from({ length: 320 }, (_, i) => {
        const paths = [
          () => t.api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: `not-a-token-${i}-padding` }, headers: from(ip) }),
          () => t.api.request('GET', `/api/v1/invitations/accept/not-a-token-${i}-with-padding`, { headers: from(ip) }),
          () => t.api.request('POST', '/api/v1/auth/mfa/verify', { body: { mfaToken: `not-a-token-${i}`, code: '123456' }, headers: from(ip) }),
          () => t.api.request('POST', '/api/v1/invitations/accept', { body: { token: `not-a-token-${i}-with-padding`, name: 'x', password: 'y' }, headers: from(ip) }),
        ];
        return paths[i % paths.length]();
      }),
    );
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(20);
    expect(answers.every((answer) => answer.status < 500)).toBe(true);
    // machines that poll are not counted
    const health = await Promise.all(Array.from({ length: 20 }, () => t.api.request('GET', '/health/live', { headers: from(ip) })));
    expect(health.every((answer) => answer.status === 200)).toBe(true);
  });

  it('answers a sign-in from an address the anonymous limit refused with 429 before reading its body, until the window ends', async () => {
    const ip = '198.51.100.220';
    const flood = await Promise.all(Array.from({ length: 301 }, (_, i) => t.api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: `not-a-token-${i}-padding` }, headers: from(ip) })));
    expect(flood.filter((answer) => answer.status === 429)).toHaveLength(1);
    // no password and an unknown field: the body would be a 400, but the address is refused first
    const refused = await t.api.request<Record<string, unknown>>('POST', '/api/v1/auth/login', { body: { organization: 'default', email: 'a@example.com', nonsense: 1 }, headers: from(ip) });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ status: 429, code: 'COMMON.RATE_LIMITED', instance: '/api/v1/auth/login' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // the same count for every anonymous route, whichever refused first
    expect((await t.api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: 'not-a-token-again-padding' }, headers: from(ip) })).status).toBe(429);
    expect((await login('a@example.com', 'whatever', '198.51.100.221')).status).toBe(401);
  });
});
