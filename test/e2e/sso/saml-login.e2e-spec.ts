import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { CheckSamlCertificatesCommand } from '../../../src/modules/auth/commands/check-saml-certificates/check-saml-certificates.command';
import { selfSignedCertificate } from '../../../src/modules/auth/infrastructure/sso/self-signed-certificate';
import { codeOf, configureSaml, postAcs, ssoLogin, startLogin, type SamlTarget } from '../../support/saml-flow';
import { TestIdp } from '../../support/saml-idp';
import { UnitOfWork } from '../../../src/infrastructure/event-store/unit-of-work';
import { systemActor } from '../../../src/shared/actor';
import { UserAccounts } from '../../../src/modules/users';
import { startTestApp, type TestApp } from '../../support/test-app';
import { createUser, organizationId } from '../../support/users';

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

const MEMBER = (email: string, groups: string[], extra: Record<string, string[]> = {}) => ({
  nameId: `okta|${email}`,
  attributes: { email: [email], name: ['Alice Example'], groups, ...extra },
});

describe('SAML SSO: a real IdP (samlify) signs users in', () => {
  let t: TestApp;
  let second: TestApp;
  let admin: string;
  let idp: TestIdp;
  let target: SamlTarget;
  let orgId: string;
  const engineeringTeam = randomUUID();

  beforeAll(async () => {
    t = await startTestApp();
    // a second instance on the same database and Redis: a login may start on one and end on the other
    second = await startTestApp({ env: t.env, removeOnClose: false });
    admin = await t.adminToken();
    orgId = await organizationId(t);
    idp = new TestIdp('https://idp.corp.example');
    target = await configureSaml(t, admin, idp, {
      wantResponseSigned: true,
      roleMapping: [
        { group: 'engineering', role: 'Developer' },
        { group: 'leads', role: 'Manager' },
      ],
      teamMapping: [{ group: 'engineering', teamId: engineeringTeam }],
    });
  });

  afterAll(async () => {
    await second.close();
    await t.close();
  });

  async function exchange(location: string | null, app = t): Promise<Tokens> {
    const response = await app.api.post<Tokens>('/api/v1/auth/sso/exchange', { code: codeOf(location) });
    expect(response.status).toBe(200);
    return response.body;
  }

  async function events(type: string): Promise<Record<string, unknown>[]> {
    const sql = await t.env.sql();
    try {
      return (await sql.query<{ payload: Record<string, unknown> }>('select payload from events where type = $1 order by seq', [type])).rows.map((r) => r.payload);
    } finally {
      await sql.end();
    }
  }

  it('signs a new user in: signed SHA-256 AuthnRequest → IdP → ACS → one-time code → tokens → /me, provisioned by (connection, NameID)', async () => {
    const { requestId, sigAlg } = await startLogin(t, idp, target, '/welcome?tab=1');
    expect(sigAlg).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    const samlResponse = await idp.mint(target.sp, target.acsUrl, target.entityId, { inResponseTo: requestId, ...MEMBER('alice@corp.example', ['engineering']) });
    const acs = await postAcs(t, target, samlResponse);
    expect(acs.status).toBe(303);
    expect(acs.location).toMatch(new RegExp(`^${t.config.publicUrl}/welcome\\?tab=1&code=`));

    const tokens = await exchange(acs.location);
    const me = await t.api.get<{ email: string; role: string; name: string }>('/api/v1/me', tokens.accessToken);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'alice@corp.example', role: 'Developer', name: 'Alice Example' });
    expect(await t.env.scalar("select count(*) from saml_identities where name_id = 'okta|alice@corp.example'")).toBe(1);

    const [login] = (await events('auth.login_succeeded')).filter((p) => p.method === 'sso');
    expect(login).toMatchObject({ method: 'sso', connectionId: expect.any(String) });
    expect((await events('sso.team_mapping_deferred'))[0]).toMatchObject({ teamIds: [engineeringTeam] });
  });

  it('re-maps changed groups on the next login, and audits the change', async () => {
    const acs = await ssoLogin(t, idp, target, MEMBER('alice@corp.example', ['leads']));
    expect(acs.status).toBe(303);
    const tokens = await exchange(acs.location);
    expect((await t.api.get<{ role: string }>('/api/v1/me', tokens.accessToken)).body.role).toBe('Manager');
    expect((await events('sso.role_mapped')).at(-1)).toMatchObject({ role: 'Manager', outcome: 'changed' });
    expect((await events('sso.groups_changed')).at(-1)).toMatchObject({ before: ['engineering'], after: ['leads'] });
    expect((await events('user.role_changed')).at(-1)).toMatchObject({ from: 'Developer', to: 'Manager' });
    expect(await t.env.scalar('select count(*) from users where email = $1', ['alice@corp.example'])).toBe(1);
  });

  it('completes on another instance a login started on this one; the code works once', async () => {
    const acs = await ssoLogin(t, idp, target, MEMBER('alice@corp.example', ['leads']), second);
    expect(acs.status).toBe(303);
    const code = codeOf(acs.location);
    expect((await second.api.post('/api/v1/auth/sso/exchange', { code })).status).toBe(200);
    expect((await t.api.post('/api/v1/auth/sso/exchange', { code })).status).toBe(401);
  });

  it('satisfies a role MFA requirement only with an AuthnContext that shows MFA; otherwise the local MFA step', async () => {
    const saved = await t.api.request('PUT', '/api/v1/policies', { token: admin, body: { mfa: { requiredForRoles: ['Manager'] } } });
    expect(saved.status).toBe(200);
    try {
      const plain = await ssoLogin(t, idp, target, MEMBER('alice@corp.example', ['leads']));
      const step = await t.api.post('/api/v1/auth/sso/exchange', { code: codeOf(plain.location) });
      expect(step.body).toMatchObject({ mfaEnrollmentRequired: true, mfaToken: expect.any(String) });

      const strong = await ssoLogin(t, idp, target, { ...MEMBER('alice@corp.example', ['leads']), authnContext: 'http://schemas.microsoft.com/claims/multipleauthn' });
      const tokens = await exchange(strong.location);
      const sessions = await t.api.get<{ items: { current: boolean; authMethod: string }[] }>('/api/v1/me/sessions', tokens.accessToken);
      expect(sessions.body.items.find((s) => s.current)?.authMethod).toBe('sso_mfa');
    } finally {
      await t.api.request('PUT', '/api/v1/policies', { token: admin, body: {} });
    }
  });

  it('links an existing account of the organization only under a verified email domain', async () => {
    const existing = await createUser(t, { organizationId: orgId, role: 'Viewer', email: 'bob@corp.example' });
    const linked = await ssoLogin(t, idp, target, MEMBER('bob@corp.example', []));
    const tokens = await exchange(linked.location);
    expect((await t.api.get<{ id: string }>('/api/v1/me', tokens.accessToken)).body.id).toBe(existing.id);

    await createUser(t, { organizationId: orgId, role: 'Viewer', email: 'carol@elsewhere.example' });
    const refused = await ssoLogin(t, idp, target, MEMBER('carol@elsewhere.example', []));
    expect(refused.status).toBe(401);
    expect((await events('auth.login_failed')).at(-1)).toMatchObject({ method: 'sso', reason: 'email_domain_not_verified' });
  });

  it('shows the linked identity at /me/connected-services; an admin unlinks it; deactivation ends SSO access', async () => {
    const acs = await ssoLogin(t, idp, target, MEMBER('dave@corp.example', []));
    const tokens = await exchange(acs.location);
    const me = await t.api.get<{ id: string }>('/api/v1/me', tokens.accessToken);
    const listed = await t.api.get<{ items: { id: string; type: string; nameId: string }[] }>('/api/v1/me/connected-services', tokens.accessToken);
    expect(listed.body.items).toEqual([expect.objectContaining({ type: 'saml', nameId: 'okta|dave@corp.example' })]);

    const unlinked = await t.api.request('DELETE', `/api/v1/users/${me.body.id}/connected-services/${listed.body.items[0].id}`, { token: admin });
    expect(unlinked.status).toBe(204);
    expect((await t.api.get<{ items: unknown[] }>('/api/v1/me/connected-services', tokens.accessToken)).body.items).toEqual([]);
    expect((await events('sso.identity_unlinked')).at(-1)).toMatchObject({ by: 'admin' });

    // the next login links again (verified domain), then deactivation ends SSO like every other sign-in
    expect((await ssoLogin(t, idp, target, MEMBER('dave@corp.example', []))).status).toBe(303);
    expect((await t.api.post(`/api/v1/users/${me.body.id}/deactivate`, {}, admin)).status).toBe(200);
    expect((await ssoLogin(t, idp, target, MEMBER('dave@corp.example', []))).status).toBe(401);
    expect((await events('auth.login_failed')).at(-1)).toMatchObject({ reason: 'account_deactivated' });
  });

  it('runs a dry run for admins that reports what the IdP sent and how it maps, and creates nothing', async () => {
    const started = await t.api.post<{ loginUrl: string }>('/api/v1/sso/saml/test', {}, admin);
    expect(started.status).toBe(200);
    const { requestId } = await idp.receive(target.sp, started.body.loginUrl);
    const before = await t.env.scalar('select count(*) from users');
    const samlResponse = await idp.mint(target.sp, target.acsUrl, target.entityId, { inResponseTo: requestId, ...MEMBER('erin@corp.example', ['engineering']) });
    const page = await postAcs(t, target, samlResponse);
    expect(page.status).toBe(200);
    expect(page.text).toContain('erin@corp.example');
    expect(page.text).toContain('Developer');
    expect(await t.env.scalar('select count(*) from users')).toBe(before);
    expect(await t.env.scalar("select count(*) from saml_identities where name_id = 'okta|erin@corp.example'")).toBe(0);
  });

  it('makes an SSO-only organization refuse password sign-in, except its break-glass users, who must pass MFA', async () => {
    const breakGlass = await createUser(t, { organizationId: orgId, role: 'Administrator' });
    const member = await createUser(t, { organizationId: orgId, role: 'Developer' });
    const saved = await t.api.request('PUT', '/api/v1/policies', { token: admin, body: { ssoOnly: true, breakGlassUsers: [breakGlass.id] } });
    expect(saved.status).toBe(200);
    try {
      const refused = await t.api.post('/api/v1/auth/login', { organization: 'default', email: member.email, password: member.password });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'AUTH.SSO_ONLY' });
      const wrong = await t.api.post('/api/v1/auth/login', { organization: 'default', email: member.email, password: 'not the password at all' });
      expect(wrong.status).toBe(401);
      const allowed = await t.api.post('/api/v1/auth/login', { organization: 'default', email: breakGlass.email, password: breakGlass.password });
      expect(allowed.status).toBe(200);
      expect(allowed.body).toMatchObject({ mfaEnrollmentRequired: true });
      expect((await events('auth.login_failed')).filter((p) => p.reason === 'sso_only')).toEqual([expect.objectContaining({ method: 'password' })]);

      // an invitee of an SSO-only organization gets an active account, and no password session
      const { result: invited } = await t.app.get(UnitOfWork).run({ actor: systemActor(), organizationId: orgId }, async (context) =>
        t.app.get(UserAccounts).registerAdministrator(context, { organizationId: orgId, email: 'invitee@corp.example', passwordHash: null, platformOperator: false, invitedBy: null, via: 'test' }),
      );
      const accepted = await t.api.post('/api/v1/invitations/accept', { token: invited.invitationToken, name: 'In Vitee', password: 'correct horse battery staple 42' });
      expect(accepted.text).toContain('AUTH.SSO_ONLY');
      expect(accepted.status).toBe(403);
      expect(accepted.body).toMatchObject({ code: 'AUTH.SSO_ONLY' });
    } finally {
      await t.api.request('PUT', '/api/v1/policies', { token: admin, body: {} });
    }
  });

  it('warns administrators 30 days before a certificate expires, once until the settings change, by an event and a mail', async () => {
    const short = selfSignedCertificate('rollover', new Date(Date.now() - 86_400_000), 20);
    const rollover = new TestIdp('https://idp.corp.example', { keys: { certificate: short.certificatePem, privateKey: short.privateKeyPem } });
    const saved = await t.api.request('PUT', '/api/v1/sso/saml', {
      token: admin,
      body: { enabled: true, ...idp.settings(), idpCertificates: [idp.certificate, rollover.certificate], domains: ['corp.example'], wantResponseSigned: true },
    });
    expect(saved.status).toBe(200);
    const changed = (await events('sso.settings_changed')).at(-1)!;
    expect(JSON.stringify(changed)).not.toContain('BEGIN');
    expect((changed.after as { idpCertificates: string[] }).idpCertificates).toEqual([expect.stringMatching(/^sha256:[0-9a-f]{64}$/), expect.stringMatching(/^sha256:/)]);

    expect(await t.app.get(CommandBus).execute(new CheckSamlCertificatesCommand())).toBe(1);
    expect(await t.app.get(CommandBus).execute(new CheckSamlCertificatesCommand())).toBe(0);
    expect((await events('sso.certificate_expiring')).at(-1)).toMatchObject({ certificates: [expect.objectContaining({ owner: 'idp' })] });
    expect(await t.env.scalar("select count(*) from mail_outbox where template = 'sso_certificate_expiry'")).toBeGreaterThan(0);
  });
});
