import * as OTPAuth from 'otpauth';
import { eventually, startTestAppWithMail, type TestApp } from '../../support/test-app';
import type { SmtpSink } from '../../support/smtp-sink';
import { createUser, organizationId } from '../../support/users';

// codes come from otpauth, an implementation other than the one the app uses
function codeAt(secret: string, offsetSteps = 0): string {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

describe('multi-factor authentication', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let org: string;

  beforeAll(async () => {
    const app = await startTestAppWithMail();
    ({ smtp } = app);
    t = app;
    org = await organizationId(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const password = (email: string, pw: string) => t.api.post<Record<string, unknown>>('/api/v1/auth/login', { organization: 'default', email, password: pw });

  async function enrol(token: string): Promise<{ secret: string; recoveryCodes: string[] }> {
    const started = await t.api.post<{ secret: string; otpauthUri: string }>('/api/v1/me/mfa/totp', {}, token);
    expect(started.status).toBe(200);
    expect(started.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/.+\?secret=[A-Z2-7]+&issuer=.+&algorithm=SHA1&digits=6&period=30$/);
    expect(OTPAuth.URI.parse(started.body.otpauthUri).toString()).toContain(started.body.secret);
    const wrong = await t.api.post('/api/v1/me/mfa/totp/confirm', { code: '000000' }, token);
    expect(wrong.status).toBe(400);
    const confirmed = await t.api.post<{ recoveryCodes: string[] }>('/api/v1/me/mfa/totp/confirm', { code: codeAt(started.body.secret) }, token);
    expect(confirmed.status).toBe(200);
    return { secret: started.body.secret, recoveryCodes: confirmed.body.recoveryCodes };
  }

  it('enrols with a code from another implementation, then asks for a code at sign-in and never takes one twice', async () => {
    const user = await createUser(t, { organizationId: org, role: 'Developer' });
    const { secret, recoveryCodes } = await enrol(await t.api.login('default', user.email, user.password));
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);

    const step = await password(user.email, user.password);
    expect(step.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
    const mfaToken = step.body.mfaToken as string;
    expect((await t.api.post('/api/v1/auth/mfa/verify', { mfaToken, code: '123456' })).status).toBe(401);
    const code = codeAt(secret, 1);
    const verified = await t.api.post<{ accessToken: string }>('/api/v1/auth/mfa/verify', { mfaToken, code });
    expect(verified.status).toBe(200);
    expect((await t.api.get('/api/v1/me', verified.body.accessToken)).status).toBe(200);
    // the challenge is spent, and the same code is refused on a new sign-in
    expect((await t.api.post('/api/v1/auth/mfa/verify', { mfaToken, code })).status).toBe(401);
    const again = await password(user.email, user.password);
    expect((await t.api.post('/api/v1/auth/mfa/verify', { mfaToken: again.body.mfaToken, code })).status).toBe(401);

    // a recovery code works once, in any case and with or without its dash
    const recovery = recoveryCodes[0].toUpperCase().replace('-', '');
    expect((await t.api.post('/api/v1/auth/mfa/verify', { mfaToken: again.body.mfaToken, code: recovery })).status).toBe(200);
    const third = await password(user.email, user.password);
    expect((await t.api.post('/api/v1/auth/mfa/verify', { mfaToken: third.body.mfaToken, code: recovery })).status).toBe(401);
  });

  it('needs a current code to turn MFA off or to regenerate recovery codes', async () => {
    const user = await createUser(t, { organizationId: org, role: 'Viewer' });
    const token = await t.api.login('default', user.email, user.password);
    const { secret, recoveryCodes } = await enrol(token);
    expect((await t.api.request('DELETE', '/api/v1/me/mfa', { token, body: { code: '999999' } })).status).toBe(400);
    const regenerated = await t.api.post<{ recoveryCodes: string[] }>('/api/v1/me/mfa/recovery-codes', { code: recoveryCodes[1] }, token);
    expect(regenerated.status).toBe(200);
    expect(regenerated.body.recoveryCodes).not.toContain(recoveryCodes[2]);
    expect((await t.api.request('DELETE', '/api/v1/me/mfa', { token, body: { code: recoveryCodes[2] } })).status).toBe(400);
    expect((await t.api.request('DELETE', '/api/v1/me/mfa', { token, body: { code: codeAt(secret, 1) } })).status).toBe(204);
    expect((await password(user.email, user.password)).body).toHaveProperty('accessToken');
  });

  it('lets an administrator reset a user’s MFA, and tells the user by mail', async () => {
    const user = await createUser(t, { organizationId: org, role: 'Developer', email: 'lost-phone@example.com' });
    await enrol(await t.api.login('default', user.email, user.password));
    const admin = await t.adminToken();
    expect((await t.api.post(`/api/v1/users/${user.id}/mfa/reset`, {}, admin)).status).toBe(204);
    expect((await password(user.email, user.password)).body).toHaveProperty('accessToken');
    const mail = await eventually(async () => smtp.received.find((m) => m.envelopeTo.includes('lost-phone@example.com')), 10_000, 'the reset notice');
    expect(mail.headers.subject).toMatch(/two-factor authentication .* was reset/);
  });

  it('makes a user whose role requires MFA enrol before getting a session', async () => {
    const admin = await t.adminToken();
    const saved = await t.api.request('PUT', '/api/v1/policies', { token: admin, body: { mfa: { requiredForRoles: ['Manager'] } } });
    expect(saved.status).toBe(200);
    const manager = await createUser(t, { organizationId: org, role: 'Manager' });
    const step = await password(manager.email, manager.password);
    expect(step.body).toEqual({ mfaEnrollmentRequired: true, mfaToken: expect.any(String) });
    const mfaToken = step.body.mfaToken as string;
    expect((await t.api.post('/api/v1/auth/mfa/verify', { mfaToken, code: '123456' })).status).toBe(401);
    const enrolment = await t.api.post<{ secret: string }>('/api/v1/auth/mfa/enroll', { mfaToken });
    expect(enrolment.status).toBe(200);
    const done = await t.api.post<{ accessToken: string; recoveryCodes: string[] }>('/api/v1/auth/mfa/enroll/confirm', { mfaToken, code: codeAt(enrolment.body.secret) });
    expect(done.status).toBe(200);
    expect(done.body.recoveryCodes).toHaveLength(10);
    expect((await t.api.get('/api/v1/me', done.body.accessToken)).status).toBe(200);
    expect((await password(manager.email, manager.password)).body).toHaveProperty('mfaRequired', true);
  });
});
