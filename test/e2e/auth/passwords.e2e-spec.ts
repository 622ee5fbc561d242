import { eventually, startTestAppWithMail, type TestApp } from '../../support/test-app';
import type { SmtpSink } from '../../support/smtp-sink';
import { createUser, organizationId } from '../../support/users';

interface Problem {
  status: number;
  errors?: { field: string; message: string }[];
}

describe('passwords', () => {
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

  const login = (email: string, password: string) => t.api.post<Record<string, string>>('/api/v1/auth/login', { organization: 'default', email, password });

  it('changes a password only with the current one, by the policy, and signs out the other sessions', async () => {
    const user = await createUser(t, { organizationId: org, role: 'Developer', email: 'grace.hopper@example.com' });
    const token = await t.api.login('default', user.email, user.password);
    const other = await t.api.login('default', user.email, user.password);

    const wrong = await t.api.post<Problem>('/api/v1/me/password', { currentPassword: 'nope', newPassword: 'a perfectly fine passphrase' }, token);
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([{ field: 'currentPassword', message: 'is not your current password' }]);

    const weak = async (newPassword: string) => {
      const response = await t.api.post<Problem>('/api/v1/me/password', { currentPassword: user.password, newPassword }, token);
      expect(response.status).toBe(400);
      return response.body.errors!.map((e) => e.message);
    };
    expect(await weak('x7#q')).toEqual(['must be at least 12 characters']);
    expect(await weak('1qaz2wsx3edc')).toEqual([expect.stringMatching(/common/)]);
    expect(await weak('grace.hopper@example.com!')).toEqual([expect.stringMatching(/email/)]);
    expect(await weak(user.password)).toEqual([expect.stringMatching(/last 5 passwords/)]);

    expect((await t.api.post('/api/v1/me/password', { currentPassword: user.password, newPassword: 'cobol was a good idea' }, token)).status).toBe(204);
    expect((await t.api.get('/api/v1/me', token)).status).toBe(200);
    expect((await t.api.get('/api/v1/me', other)).status).toBe(401);
    expect((await login(user.email, user.password)).status).toBe(401);
    expect((await login(user.email, 'cobol was a good idea')).status).toBe(200);
    // the former password is in the history now
    expect((await t.api.post<Problem>('/api/v1/me/password', { currentPassword: 'cobol was a good idea', newPassword: user.password }, token)).status).toBe(400);
  });

  it('answers forgot-password alike for every address, and mails a single-use link to real ones', async () => {
    const user = await createUser(t, { organizationId: org, role: 'Viewer', email: 'forgetful@example.com' });
    const signedIn = await t.api.login('default', user.email, user.password);
    const known = await t.api.post('/api/v1/auth/password/forgot', { organization: 'default', email: 'Forgetful@example.com' });
    const unknown = await t.api.post('/api/v1/auth/password/forgot', { organization: 'default', email: 'nobody@example.com' });
    const noOrg = await t.api.post('/api/v1/auth/password/forgot', { organization: 'no-such-org', email: 'forgetful@example.com' });
    expect([known.status, unknown.status, noOrg.status]).toEqual([202, 202, 202]);
    expect(known.text).toBe(unknown.text);

    const mail = await eventually(async () => smtp.received.find((m) => m.envelopeTo.some((to) => /forgetful@example\.com/i.test(to))), 10_000, 'the reset mail');
    const token = /\/password\/reset\/(ghc_[A-Za-z0-9_-]+)/.exec(mail.text)![1];
    expect(smtp.received.filter((m) => m.envelopeTo.some((to) => /nobody@/.test(to)))).toHaveLength(0);

    expect((await t.api.get(`/api/v1/auth/password/reset/${token}`)).body).toMatchObject({ valid: true });
    expect((await t.api.post('/api/v1/auth/password/reset', { token, password: 'short' })).status).toBe(400);
    expect((await t.api.post('/api/v1/auth/password/reset', { token, password: 'a brand new passphrase' })).status).toBe(204);
    expect((await t.api.post('/api/v1/auth/password/reset', { token, password: 'another new passphrase' })).status).toBe(401);
    expect((await t.api.get('/api/v1/me', signedIn)).status).toBe(401);
    expect((await login(user.email, 'a brand new passphrase')).status).toBe(200);

    const sql = await t.env.sql();
    try {
      const { rows } = await sql.query<{ n: number }>("select count(*)::int as n from events where payload::text ilike '%forgetful%' or payload::text like '%' || $1 || '%'", [token]);
      expect(rows[0].n).toBe(0);
    } finally {
      await sql.end();
    }
  });

  it('sends an expired password through a reset before any session', async () => {
    const user = await createUser(t, { organizationId: org, role: 'Developer' });
    const admin = await t.adminToken();
    expect((await t.api.request('PUT', '/api/v1/policies', { token: admin, body: { password: { expiryDays: 30 } } })).status).toBe(200);
    const sql = await t.env.sql();
    try {
      await sql.query("update users set password_changed_at = now() - interval '31 days' where id = $1", [user.id]);
    } finally {
      await sql.end();
    }
    const step = await login(user.email, user.password);
    expect(step.body).toEqual({ passwordExpired: true, passwordToken: expect.any(String) });
    expect((await t.api.post('/api/v1/auth/password/reset', { token: step.body.passwordToken, password: 'renewed passphrase 2026' })).status).toBe(204);
    expect((await login(user.email, 'renewed passphrase 2026')).body).toHaveProperty('accessToken');
  });

  it('refuses a weak password when an invitation is accepted', async () => {
    const admin = await t.adminToken();
    const created = await t.api.post<{ id: string }>('/api/v1/organizations', { name: 'Weak Co', slug: 'weak-co', adminEmail: 'it@weak.example' }, admin);
    expect(created.status).toBe(201);
    const mail = await eventually(async () => smtp.received.find((m) => m.envelopeTo.some((to) => /it@weak\.example/i.test(to))), 10_000, 'the invitation');
    const token = /\/invitations\/([A-Za-z0-9_-]+)/.exec(mail.text)![1];
    const weak = await t.api.post<Problem>('/api/v1/invitations/accept', { token, name: 'IT', password: '123qweasdzxc' });
    expect(weak.status).toBe(400);
    expect(weak.body.errors?.[0].field).toBe('password');
    expect((await t.api.post('/api/v1/invitations/accept', { token, name: 'IT', password: 'weak co has a strong passphrase' })).status).toBe(200);
  });
});
