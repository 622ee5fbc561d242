import * as OTPAuth from 'otpauth';
import type { SmtpSink } from '../../support/smtp-sink';
import { eventually, startTestAppWithMail, type TestApp } from '../../support/test-app';
import { createUser, organizationId } from '../../support/users';

function codeFor(secret: string, offsetSteps = 0): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

describe('old proofs die with the password', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let org: string;
  let admin: string;

  beforeAll(async () => {
    const app = await startTestAppWithMail();
    ({ smtp } = app);
    t = app;
    org = await organizationId(t);
    admin = await t.adminToken();
  });

  afterAll(async () => {
    await t.close();
  });

  const login = (email: string, password: string) => t.api.post<Record<string, unknown>>('/api/v1/auth/login', { organization: 'default', email, password });
  const verify = (mfaToken: string, code: string) => t.api.post<Record<string, unknown>>('/api/v1/auth/mfa/verify', { mfaToken, code });

  async function userWithMfa(): Promise<{ id: string; email: string; password: string; secret: string }> {
    const user = await createUser(t, { organizationId: org, role: 'Developer' });
    const token = (await login(user.email, user.password)).body.accessToken as string;
    const started = await t.api.post<{ secret: string }>('/api/v1/me/mfa/totp', {}, token);
    expect((await t.api.post('/api/v1/me/mfa/totp/confirm', { code: codeFor(started.body.secret) }, token)).status).toBe(200);
    return { ...user, secret: started.body.secret };
  }

  // the local part as stored, byte for byte (mailers may lowercase the domain)
  const sameMailbox = (to: string, address: string) => to.split('@')[0] === address.split('@')[0];

  /** Asks for a reset link and returns the token the n-th mail to `address` carries. */
  async function resetToken(typed: string, address: string, nth = 1): Promise<string> {
    expect((await t.api.post('/api/v1/auth/password/forgot', { organization: 'default', email: typed })).status).toBe(202);
    const mail = await eventually(
      async () => smtp.received.filter((m) => m.envelopeTo.some((to) => sameMailbox(to, address)) && /password\/reset\//.test(m.text))[nth - 1],
      10_000,
      `reset mail ${nth} to ${address}`,
    );
    return /\/password\/reset\/(ghc_[A-Za-z0-9_-]+)/.exec(mail.text)![1];
  }

  it('refuses an mfaToken issued before a password reset', async () => {
    const user = await userWithMfa();
    const step = await login(user.email, user.password);
    const mfaToken = step.body.mfaToken as string;
    const token = await resetToken(user.email, user.email);
    expect((await t.api.post('/api/v1/auth/password/reset', { token, password: 'a new passphrase after reset' })).status).toBe(204);
    const late = await verify(mfaToken, codeFor(user.secret, 1));
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('AUTH.INVALID_CHALLENGE');
  });

  it('refuses an mfaToken issued before a password change', async () => {
    const user = await userWithMfa();
    const first = await login(user.email, user.password);
    const session = (await verify(first.body.mfaToken as string, codeFor(user.secret, 1))).body.accessToken as string;
    const pending = (await login(user.email, user.password)).body.mfaToken as string;
    expect((await t.api.post('/api/v1/me/password', { currentPassword: user.password, newPassword: 'changed on another device' }, session)).status).toBe(204);
    expect((await verify(pending, codeFor(user.secret, -1))).status).toBe(401);
  });

  it('ends earlier reset links when a new one is sent, and every link when the password changes', async () => {
    const user = await createUser(t, { organizationId: org, role: 'Viewer' });
    const older = await resetToken(user.email, user.email, 1);
    const newer = await resetToken(user.email, user.email, 2);
    expect((await t.api.get(`/api/v1/auth/password/reset/${older}`)).status).toBe(401);
    expect((await t.api.get(`/api/v1/auth/password/reset/${newer}`)).status).toBe(200);
    const session = await t.api.login('default', user.email, user.password);
    expect((await t.api.post('/api/v1/me/password', { currentPassword: user.password, newPassword: 'a changed passphrase here' }, session)).status).toBe(204);
    expect((await t.api.post('/api/v1/auth/password/reset', { token: newer, password: 'the attacker wants this one' })).status).toBe(401);
  });

  it('ends a pending MFA step when an administrator resets the user’s MFA', async () => {
    const user = await userWithMfa();
    const mfaToken = (await login(user.email, user.password)).body.mfaToken as string;
    expect((await t.api.post(`/api/v1/users/${user.id}/mfa/reset`, {}, admin)).status).toBeLessThan(300);
    expect((await verify(mfaToken, codeFor(user.secret, 1))).status).toBe(401);
  });

  it('sends the reset mail to the address on the account, not the one typed', async () => {
    const stored = `Mixed.Case-${Date.now()}@Example.com`;
    await createUser(t, { organizationId: org, role: 'Viewer', email: stored });
    await resetToken(`  ${stored.toLowerCase()} `, stored);
    expect(smtp.received.some((m) => m.envelopeTo.some((to) => to.startsWith(stored.split('@')[0].toLowerCase())))).toBe(false);
  });

  describe('when the organization requires MFA for a role', () => {
    beforeAll(async () => {
      const policy = await t.api.request('PUT', '/api/v1/policies', { token: admin, body: { mfa: { requiredForRoles: ['Manager'] } } });
      expect(policy.status).toBe(200);
    });

    it('makes a user who accepts an invitation enrol before any session exists', async () => {
      const email = `invited-${Date.now()}@example.com`;
      expect((await t.api.post('/api/v1/invitations', { email, role: 'Manager' }, admin)).status).toBe(201);
      const mail = await eventually(async () => smtp.received.find((m) => m.envelopeTo.includes(email)), 10_000, 'the invitation');
      const token = /\/invitations\/([A-Za-z0-9_-]+)/.exec(mail.text)![1];
      const accepted = await t.api.post<Record<string, unknown>>('/api/v1/invitations/accept', { token, name: 'New Manager', password: 'a strong manager passphrase' });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toEqual({ mfaEnrollmentRequired: true, mfaToken: expect.any(String) });
      const started = await t.api.post<{ secret: string }>('/api/v1/auth/mfa/enroll', { mfaToken: accepted.body.mfaToken });
      const done = await t.api.post<{ accessToken: string; recoveryCodes: string[] }>('/api/v1/auth/mfa/enroll/confirm', {
        mfaToken: accepted.body.mfaToken,
        code: codeFor(started.body.secret),
      });
      expect(done.status).toBe(200);
      expect(done.body.recoveryCodes).toHaveLength(10);
      expect((await t.api.get('/api/v1/me', done.body.accessToken)).status).toBe(200);
    });

    it('ends a session that never passed MFA at its next refresh once the role requires it', async () => {
      const user = await createUser(t, { organizationId: org, role: 'Developer' });
      const signedIn = await login(user.email, user.password);
      expect(signedIn.body.refreshToken).toEqual(expect.any(String));
      expect((await t.api.request('PUT', `/api/v1/users/${user.id}/role`, { token: admin, body: { role: 'Manager' } })).status).toBe(200);
      const refreshed = await t.api.post<Record<string, unknown>>('/api/v1/auth/refresh', { refreshToken: signedIn.body.refreshToken });
      expect(refreshed.status).toBe(401);
      expect(refreshed.body.code).toBe('AUTH.MFA_REQUIRED');
      expect(await t.env.scalar("select count(*) from sessions where user_id = $1 and revoked_reason = 'mfa_required'", [user.id])).toBe(1);
      // signing in again goes through enrolment
      expect((await login(user.email, user.password)).body).toEqual({ mfaEnrollmentRequired: true, mfaToken: expect.any(String) });
    });
  });
});
