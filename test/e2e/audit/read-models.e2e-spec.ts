import * as OTPAuth from 'otpauth';
import { UnitOfWork } from '../../../src/infrastructure/event-store/unit-of-work';
import { EVENT_CATALOGUE } from '../../../src/event-catalogue';
import { systemActor } from '../../../src/shared/actor';
import type { DomainEvent } from '../../../src/shared/domain-event';
import { examplePayload, type EventType } from '../../../src/shared/event-catalogue';
import { requestFrom } from '../../support/from-address';
import { codeOf, configureSaml, ssoLogin } from '../../support/saml-flow';
import { TestIdp } from '../../support/saml-idp';
import { auditCaughtUp, startTestApp, type TestApp } from '../../support/test-app';
import { createOrganization, createUser, organizationId } from '../../support/users';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface AuditItem {
  seq: number;
  type: string;
  outcome: string;
  actor: { type: string; id: string | null; name: string | null; ip: string | null; userAgent: string | null };
  subject: { type: string; id: string | null; name: string | null };
  requestId: string | null;
  occurredAt: string;
}
interface LoginItem {
  seq: number;
  type: string;
  result: string;
  method: string;
  reason: string | null;
  user: { id: string | null; name: string | null };
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  sessionId: string | null;
  apiKeyId: string | null;
  connectionId: string | null;
}
interface ChangeItem {
  type: string;
  change: string;
  actor: { id: string | null; name: string | null };
  subject: { type: string; id: string | null; name: string | null };
  before: unknown;
  after: unknown;
}
interface Problem {
  status: number;
  errors?: { field: string }[];
}

const codeAt = (secret: string, offsetSteps = 0) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });

describe('the audit read models: audit log, login history and permission changes', () => {
  let t: TestApp;
  let admin: string;
  let adminId: string;
  let org: string;
  let alice: { id: string; email: string; password: string };
  let bob: { id: string; email: string; password: string };
  let carol: { id: string; email: string; password: string };
  let other: { id: string; token: string };
  let apiKeyId: string;
  let ssoUserId: string;
  let resourceId: string;
  let started: Date;

  const get = async <T>(path: string, token = admin) => {
    const response = await t.api.get<Page<T>>(path, token);
    expect(response.status).toBe(200);
    return response.body.items;
  };
  const logins = (query: string, token = admin) => get<LoginItem>(`/api/v1/audit/logins?limit=200&${query}`, token);
  const events = (query: string, token = admin) => get<AuditItem>(`/api/v1/audit/events?limit=200&${query}`, token);
  const changes = (query: string, token = admin) => get<ChangeItem>(`/api/v1/audit/permission-changes?limit=200&${query}`, token);

  beforeAll(async () => {
    started = new Date(Date.now() - 1000);
    t = await startTestApp();
    admin = await t.adminToken();
    org = await organizationId(t);
    adminId = (await t.api.get<{ id: string }>('/api/v1/me', admin)).body.id;
    alice = await createUser(t, { organizationId: org, role: 'Developer', email: 'alice@example.com' });
    bob = await createUser(t, { organizationId: org, role: 'Developer', email: 'bob@example.com' });
    carol = await createUser(t, { organizationId: org, role: 'Viewer', email: 'carol@example.com' });
    const second = await createOrganization(t, 'elsewhere');
    other = { id: second.id, token: await t.api.login('elsewhere', second.adminEmail, second.adminPassword) };

    // password: a success with a user agent and request id, failures with their reasons, one from another address
    const signedIn = await t.api.request<{ accessToken: string; refreshToken: string }>('POST', '/api/v1/auth/login', {
      body: { organization: 'default', email: alice.email, password: alice.password },
      headers: { 'user-agent': 'audit-test/1.0', 'x-request-id': 'req-alice-login' },
    });
    expect(signedIn.status).toBe(200);
    await t.api.post('/api/v1/auth/login', { organization: 'default', email: alice.email, password: 'not her password' });
    const elsewhere = await requestFrom(t.api.baseUrl, '127.0.0.9', 'POST', '/api/v1/auth/login', { body: { organization: 'default', email: 'nobody@example.com', password: 'whatever it is' } });
    expect(elsewhere.status).toBe(401);

    // refresh, then the spent refresh token again
    const refreshed = await t.api.post('/api/v1/auth/refresh', { refreshToken: signedIn.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await t.api.post('/api/v1/auth/refresh', { refreshToken: signedIn.body.refreshToken })).status).toBe(401);

    // MFA: a wrong code, then the right one
    const bobToken = await t.api.login('default', bob.email, bob.password);
    const enrolment = await t.api.post<{ secret: string }>('/api/v1/me/mfa/totp', {}, bobToken);
    expect((await t.api.post('/api/v1/me/mfa/totp/confirm', { code: codeAt(enrolment.body.secret) }, bobToken)).status).toBe(200);
    const step = await t.api.post<{ mfaToken: string }>('/api/v1/auth/login', { organization: 'default', email: bob.email, password: bob.password });
    expect((await t.api.post('/api/v1/auth/mfa/verify', { mfaToken: step.body.mfaToken, code: '000000' })).status).toBe(401);
    expect((await t.api.post('/api/v1/auth/mfa/verify', { mfaToken: step.body.mfaToken, code: codeAt(enrolment.body.secret, 1) })).status).toBe(200);

    // an API key used twice (recorded once), then revoked and refused
    const key = await t.api.post<{ id: string; key: string }>('/api/v1/me/api-keys', { name: 'deploy bot', scopes: ['organization:read'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() }, admin);
    expect(key.status).toBe(201);
    apiKeyId = key.body.id;
    expect((await t.api.get('/api/v1/organization', key.body.key)).status).toBe(200);
    expect((await t.api.get('/api/v1/organization', key.body.key)).status).toBe(200);
    expect((await t.api.request('DELETE', `/api/v1/me/api-keys/${apiKeyId}`, { token: admin })).status).toBe(204);
    expect((await t.api.get('/api/v1/organization', key.body.key)).status).toBe(401);

    // SSO: settings saved (a permission change), then a sign-in through the IdP
    const idp = new TestIdp('https://idp.corp.example');
    const target = await configureSaml(t, admin, idp, { wantResponseSigned: true });
    const acs = await ssoLogin(t, idp, target, { nameId: 'okta|dana@corp.example', attributes: { email: ['dana@corp.example'], name: ['Dana Example'], groups: [] } });
    expect(acs.status).toBe(303);
    const exchanged = await t.api.post<{ accessToken: string }>('/api/v1/auth/sso/exchange', { code: codeOf(acs.location) });
    ssoUserId = (await t.api.get<{ id: string }>('/api/v1/me', exchanged.body.accessToken)).body.id;

    // permission changes: a role, a grant replaced, the policy
    expect((await t.api.request('PUT', `/api/v1/users/${alice.id}/role`, { token: admin, body: { role: 'Manager' } })).status).toBe(200);
    resourceId = (await t.api.post<{ id: string }>('/api/v1/resources', { type: 'application', externalId: 'billing', name: 'Billing' }, admin)).body.id;
    const grant = (actions: string[]) => t.api.request('PUT', `/api/v1/resources/${resourceId}/permissions`, { token: admin, body: { grants: [{ principal: { type: 'user', id: bob.id }, actions }] } });
    expect((await grant(['read'])).status).toBe(200);
    expect((await grant(['read', 'deploy'])).status).toBe(200);
    expect((await t.api.request('PUT', '/api/v1/policies', { token: admin, body: { password: { minLength: 14 } } })).status).toBe(200);

    // the other organization's own sign-in
    await t.api.post('/api/v1/auth/login', { organization: 'elsewhere', email: second.adminEmail, password: 'wrong password here' });

    // carol signs in, then is removed: every row naming her shows "removed user"
    await t.api.login('default', carol.email, carol.password);
    await auditCaughtUp(t.env, 'before the removal');
    expect((await t.api.request('DELETE', `/api/v1/users/${carol.id}`, { token: admin })).status).toBe(204);
    await auditCaughtUp(t.env, 'the flows');
  });

  afterAll(async () => {
    await t.close();
  });

  it('records a password sign-in with the user’s name, address, user agent and request id, and failures with their reason', async () => {
    const rows = await logins(`userId=${alice.id}`);
    const success = rows.find((row) => row.type === 'auth.login_succeeded');
    expect(success).toMatchObject({ result: 'success', method: 'password', user: { id: alice.id, name: alice.email }, ip: '127.0.0.1', userAgent: 'audit-test/1.0', requestId: 'req-alice-login', sessionId: expect.any(String) });
    expect(rows.find((row) => row.type === 'auth.login_failed')).toMatchObject({ result: 'failure', method: 'password', reason: 'bad_password' });
    const unknown = (await logins('ip=127.0.0.9'))[0];
    expect(unknown).toMatchObject({ result: 'failure', method: 'password', reason: 'unknown_user', user: { id: null, name: null }, ip: '127.0.0.9' });
    const audit = (await events(`type=auth.login_succeeded&subject=${alice.id}`))[0];
    expect(audit).toMatchObject({ outcome: 'success', actor: { id: alice.id, name: alice.email, userAgent: 'audit-test/1.0' }, subject: { name: alice.email }, requestId: 'req-alice-login' });
  });

  it('records refreshes, and the reuse of a spent refresh token as a failure', async () => {
    const rows = await logins(`userId=${alice.id}&method=refresh`);
    expect(rows.map((row) => [row.result, row.reason])).toEqual([
      ['failure', 'refresh_token_reused'],
      ['success', null],
    ]);
  });

  it('records the MFA step: a wrong code as a failure, then the verified code and the password_mfa sign-in', async () => {
    const rows = await logins(`userId=${bob.id}`);
    const mfa = rows.filter((row) => row.method === 'mfa');
    expect(mfa.map((row) => row.result)).toEqual(['success', 'failure']);
    expect(mfa[1].reason).toBe('invalid_code');
    expect(rows.some((row) => row.type === 'auth.login_succeeded' && row.method === 'password_mfa')).toBe(true);
  });

  it('records an API key’s use once an hour, and its refusal with the reason', async () => {
    const rows = await logins('method=api_key');
    expect(rows.map((row) => [row.result, row.reason, row.apiKeyId])).toEqual([
      ['failure', 'key_revoked', apiKeyId],
      ['success', null, apiKeyId],
    ]);
    const used = (await events('type=auth.api_key_used'))[0];
    expect(used.actor).toMatchObject({ type: 'api_key', id: apiKeyId, name: 'deploy bot' });
  });

  it('records an SSO sign-in with its connection, and the SSO settings as a permission change', async () => {
    const rows = await logins(`userId=${ssoUserId}&method=sso`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ result: 'success', user: { name: 'Dana Example' } });
    const settings = await changes('change=sso_settings');
    expect(settings).toHaveLength(1);
    expect(settings[0]).toMatchObject({ type: 'sso.settings_changed', before: null, after: expect.objectContaining({ enabled: true }), subject: { type: 'saml_connection' } });
    expect(rows[0].connectionId).toBe(settings[0].subject.id);
  });

  it('shows a role change, a grant replaced and the policy with before and after, and who made them', async () => {
    const role = await changes(`subject=${alice.id}`);
    expect(role).toEqual([expect.objectContaining({ change: 'user_role', before: { role: 'Developer' }, after: { role: 'Manager' }, actor: expect.objectContaining({ id: adminId, name: 'admin@example.com' }), subject: { type: 'user', id: alice.id, name: alice.email } })]);
    const grants = await changes(`change=resource_grants&subject=${resourceId}`);
    expect(grants[0]).toMatchObject({ subject: { name: 'Billing' }, before: [{ principal: { id: bob.id }, actions: ['read'] }], after: [{ principal: { id: bob.id }, actions: ['deploy', 'read'] }] });
    expect(grants[1]).toMatchObject({ before: [], after: [{ actions: ['read'] }] });
    const policy = (await changes('change=policy'))[0];
    expect(policy).toMatchObject({ before: { password: { minLength: 12 } }, after: { password: { minLength: 14 } } });
    expect((await changes(`actor=${adminId}`)).length).toBeGreaterThanOrEqual(4);
  });

  it('filters the audit log by type prefix, outcome, address, actor and time, newest first with keyset pages', async () => {
    const auth = await events('type=auth.*');
    expect(auth.length).toBeGreaterThan(5);
    expect(auth.every((row) => row.type.startsWith('auth.'))).toBe(true);
    const failures = await events('outcome=failure');
    expect(failures.length).toBeGreaterThan(0);
    expect(new Set(failures.map((row) => row.type))).toEqual(new Set(['auth.login_failed', 'auth.mfa_failed', 'security.refresh_token_reused']));
    expect((await events('ip=127.0.0.9')).map((row) => row.type)).toEqual(['auth.login_failed']);
    expect((await events(`actor=${bob.id}`)).every((row) => row.actor.id === bob.id)).toBe(true);
    expect(await events(`to=${started.toISOString()}`)).toEqual([]);
    const all = await events(`from=${started.toISOString()}`);
    expect(all.map((row) => row.seq)).toEqual([...all.map((row) => row.seq)].sort((a, b) => b - a));
    const first = await t.api.get<Page<AuditItem>>('/api/v1/audit/events?type=auth.*&limit=3', admin);
    const second = await t.api.get<Page<AuditItem>>(`/api/v1/audit/events?type=auth.*&limit=3&cursor=${first.body.nextCursor}`, admin);
    expect([...first.body.items, ...second.body.items].map((row) => row.seq)).toEqual(auth.slice(0, 6).map((row) => row.seq));
    expect((await logins('result=failure')).every((row) => row.result === 'failure')).toBe(true);
    expect(await logins(`to=${started.toISOString()}`)).toEqual([]);
  });

  it('shows a removed user as "removed user" in rows written before the removal, and the chain still verifies', async () => {
    const rows = await logins(`userId=${carol.id}`);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.user.name === 'removed user')).toBe(true);
    const audit = await events(`subject=${carol.id}`);
    expect(audit.map((row) => row.type)).toEqual(expect.arrayContaining(['user.removed', 'auth.login_succeeded']));
    expect(audit.every((row) => row.subject.name === 'removed user')).toBe(true);
    expect((await events(`actor=${carol.id}`)).every((row) => row.actor.name === 'removed user')).toBe(true);
    expect(JSON.stringify(await logins(''))).not.toContain(carol.email);
    expect((await t.api.get('/api/v1/audit/verify', admin)).body).toMatchObject({ valid: true, firstBrokenSeq: null });
  });

  it('keeps each organization to its own rows', async () => {
    const own = await logins('', other.token);
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((row) => row.user.id === null || row.user.id !== alice.id)).toBe(true);
    expect(await logins(`userId=${alice.id}`, other.token)).toEqual([]);
    expect(await changes(`subject=${alice.id}`, other.token)).toEqual([]);
    expect(await events(`actor=${adminId}`, other.token)).toEqual([]);
    // the other organization's failed sign-in is not in this one's history
    expect((await logins('result=failure')).some((row) => row.reason === 'bad_password' && row.user.id !== alice.id)).toBe(false);
  });

  it.each([
    ['/api/v1/audit/events?outcome=maybe', 'outcome'],
    ['/api/v1/audit/events?ip=not-an-address', 'ip'],
    ['/api/v1/audit/events?type=auth.**', 'type'],
    ['/api/v1/audit/logins?method=carrier_pigeon', 'method'],
    ['/api/v1/audit/logins?result=maybe', 'result'],
    ['/api/v1/audit/logins?userId=nobody', 'userId'],
    ['/api/v1/audit/logins?from=yesterday', 'from'],
    ['/api/v1/audit/events?to=%2B275760-09-13T00:00:00.000Z', 'to'],
    ['/api/v1/audit/permission-changes?from=-200000-01-01T00:00:00.000Z', 'from'],
    ['/api/v1/audit/logins?cursor=garbage', 'cursor'],
    ['/api/v1/audit/permission-changes?change=everything', 'change'],
    ['/api/v1/audit/permission-changes?subject=x', 'subject'],
    ['/api/v1/audit/permission-changes?limit=1000', 'limit'],
  ])('answers %s with 400 naming %s', async (path, field) => {
    const response = await t.api.get<Problem>(path, admin);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((response.body.errors ?? []).map((error) => error.field)).toContain(field);
  });

  it('puts every event type in the right read models with its outcome', async () => {
    const login: EventType[] = ['auth.login_succeeded', 'auth.login_failed', 'auth.mfa_verified', 'auth.mfa_failed', 'auth.token_refreshed', 'security.refresh_token_reused', 'auth.api_key_used'];
    const permission: EventType[] = ['user.role_changed', 'team.permissions_set', 'resource.permissions_set', 'role.created', 'role.updated', 'role.deleted', 'policy.updated', 'sso.settings_changed', 'platform.operator_granted', 'platform.operator_revoked'];
    const neither: EventType[] = ['user.invited', 'team.created', 'access.denied', 'session.revoked', 'sso.role_mapped', 'auth.mfa_challenged', 'api_key.created'];
    const types = [...login, ...permission, ...neither];
    const { events: appended } = await t.app.get(UnitOfWork).run({ actor: { ...systemActor('req-catalogue'), ip: '198.51.100.1', userAgent: 'catalogue' }, organizationId: other.id }, async (context) => {
      // each payload is made from the type's declared schema, as the catalogue test does
      for (const type of types) {
        const entry = EVENT_CATALOGUE.get(type)!;
        context.record({ type, organizationId: other.id, subject: { type: entry.subject[0], id: null }, payload: examplePayload(EVENT_CATALOGUE.payloadSchema(type)) } as DomainEvent);
      }
    });
    await auditCaughtUp(t.env, 'the catalogue');
    const sql = await t.env.sql();
    try {
      const ids = appended.map((event) => event.id);
      const audit = (await sql.query<{ type: string; outcome: string; request_id: string; actor_user_agent: string }>('select type, outcome, request_id, actor_user_agent from audit_log where event_id = any($1)', [ids])).rows;
      expect(audit.map((row) => row.type).sort()).toEqual([...types].sort());
      const outcomes = Object.fromEntries(audit.map((row) => [row.type, row.outcome]));
      expect(outcomes).toMatchObject({ 'auth.login_failed': 'failure', 'auth.mfa_failed': 'failure', 'security.refresh_token_reused': 'failure', 'access.denied': 'denied', 'user.invited': 'success' });
      expect(audit.every((row) => row.request_id === 'req-catalogue' && row.actor_user_agent === 'catalogue')).toBe(true);
      const inLogins = (await sql.query<{ type: string }>('select type from login_history where event_id = any($1)', [ids])).rows.map((row) => row.type);
      expect(inLogins.sort()).toEqual([...login].sort());
      const inChanges = (await sql.query<{ type: string }>('select type from permission_changes where event_id = any($1)', [ids])).rows.map((row) => row.type);
      expect(inChanges.sort()).toEqual([...permission].sort());
    } finally {
      await sql.end();
    }
  });
});
