import { randomUUID } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { CommandBus } from '@nestjs/cqrs';
import { CheckSamlCertificatesCommand } from '../../../src/modules/auth/commands/check-saml-certificates/check-saml-certificates.command';
import { selfSignedCertificate } from '../../../src/modules/auth/infrastructure/sso/self-signed-certificate';
import { codeOf, configureSaml, postAcs, ssoLogin, startLogin, type SamlTarget } from '../../support/saml-flow';
import { TestIdp } from '../../support/saml-idp';
import { UnitOfWork } from '../../../src/infrastructure/event-store/unit-of-work';
import { systemActor } from '../../../src/shared/actor';
import { UserAccounts } from '../../../src/modules/users';
import { startTestApp, type TestApp } from '../../support/test-app';
import { createOrganization, createUser, organizationId } from '../../support/users';

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
  let engineeringTeam: string;
  let platformTeam: string;
  let opsTeam: string;
  let archivedTeam: string;

  beforeAll(async () => {
    t = await startTestApp();
    // a second instance on the same database and Redis: a login may start on one and end on the other
    second = await startTestApp({ env: t.env, removeOnClose: false });
    admin = await t.adminToken();
    orgId = await organizationId(t);
    idp = new TestIdp('https://idp.corp.example');
    const team = async (name: string) => (await t.api.post<{ id: string }>('/api/v1/teams', { name }, admin)).body.id;
    [engineeringTeam, platformTeam, opsTeam, archivedTeam] = [await team('Engineering'), await team('Platform'), await team('Ops'), await team('Old')];
    target = await configureSaml(t, admin, idp, SETTINGS());
    // a mapped team archived later is never joined
    expect((await t.api.request('DELETE', `/api/v1/teams/${archivedTeam}`, { token: admin })).status).toBe(204);
  });

  const SETTINGS = () => ({
    wantResponseSigned: true,
    roleMapping: [
      { group: 'engineering', role: 'Developer' },
      { group: 'leads', role: 'Manager' },
    ],
    teamMapping: [
      { group: 'engineering', teamId: engineeringTeam },
      { group: 'platform', teamId: platformTeam },
      { group: 'ops', teamId: opsTeam },
      { group: 'old', teamId: archivedTeam },
    ],
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

  async function teamsOf(email: string, source?: 'sso' | 'manual'): Promise<string[]> {
    const sql = await t.env.sql();
    try {
      const { rows } = await sql.query<{ team_id: string }>(
        `select m.team_id from team_members m join users u on u.id = m.user_id
          where u.email = $1 and ($2::text is null or (m.sso_connection_id is not null) = ($2 = 'sso')) order by m.team_id`,
        [email, source ?? null],
      );
      return rows.map((r) => r.team_id);
    } finally {
      await sql.end();
    }
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
    expect(await teamsOf(me.body.email)).toEqual([engineeringTeam]);
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
    expect(await teamsOf('alice@corp.example')).toEqual([]);
    expect((await events('team.member_removed')).at(-1)).toMatchObject({ source: 'sso', connectionId: expect.any(String) });
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
    // the one generic page leads back to the pages' SSO form
    expect(refused.text).toContain('<a href="/sign-in/sso">');
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

  it('ends an SSO sign-in that needs the local MFA step as an SSO session (sso_mfa, the connection), even in an SSO-only organization', async () => {
    expect((await t.api.request('PUT', '/api/v1/policies', { token: admin, body: { ssoOnly: true, mfa: { requiredForRoles: ['Developer'] } } })).status).toBe(200);
    try {
      const acs = await ssoLogin(t, idp, target, MEMBER('mia@corp.example', ['engineering']));
      const step = await t.api.post<{ mfaEnrollmentRequired: boolean; mfaToken: string }>('/api/v1/auth/sso/exchange', { code: codeOf(acs.location) });
      expect(step.body).toMatchObject({ mfaEnrollmentRequired: true });
      const enrolment = await t.api.post<{ secret: string }>('/api/v1/auth/mfa/enroll', { mfaToken: step.body.mfaToken });
      expect(enrolment.status).toBe(200);
      const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(enrolment.body.secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate();
      const confirmed = await t.api.post<Tokens>('/api/v1/auth/mfa/enroll/confirm', { mfaToken: step.body.mfaToken, code });
      expect(confirmed.status).toBe(200);
      const sessions = await t.api.get<{ items: { current: boolean; authMethod: string }[] }>('/api/v1/me/sessions', confirmed.body.accessToken);
      expect(sessions.body.items.find((s) => s.current)?.authMethod).toBe('sso_mfa');
      expect((await events('auth.login_succeeded')).at(-1)).toMatchObject({ method: 'sso_mfa', connectionId: expect.any(String) });
    } finally {
      await t.api.request('PUT', '/api/v1/policies', { token: admin, body: {} });
    }
  });

  it('refuses an SSO sign-in from outside the IP allow-list at the exchange, naming the connection in the event', async () => {
    expect((await t.api.request('PUT', '/api/v1/policies', { token: admin, body: { ipAllowlist: [{ cidr: '10.9.9.0/24', roles: ['Developer'] }] } })).status).toBe(200);
    try {
      const acs = await ssoLogin(t, idp, target, MEMBER('nick@corp.example', ['engineering']));
      const refused = await t.api.post('/api/v1/auth/sso/exchange', { code: codeOf(acs.location) });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'ACCESS.IP_RESTRICTED' });
      expect((await events('auth.login_failed')).at(-1)).toMatchObject({ method: 'sso', reason: 'ip_restricted', connectionId: expect.any(String) });
    } finally {
      await t.api.request('PUT', '/api/v1/policies', { token: admin, body: {} });
    }
  });

  it('refuses a team mapping to an unknown team or another organization\'s with a 400 naming the field', async () => {
    const other = await createOrganization(t, 'sso-other');
    const otherAdmin = await t.api.login('sso-other', other.adminEmail, other.adminPassword);
    const foreignTeam = (await t.api.post<{ id: string }>('/api/v1/teams', { name: 'Theirs' }, otherAdmin)).body.id;
    const refused = await t.api.request('PUT', '/api/v1/sso/saml', {
      token: admin,
      body: { enabled: true, ...idp.settings(), domains: ['corp.example'], ...SETTINGS(), teamMapping: [{ group: 'a', teamId: platformTeam }, { group: 'b', teamId: foreignTeam }, { group: 'c', teamId: randomUUID() }] },
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((refused.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['teamMapping[1].teamId', 'teamMapping[2].teamId']);
  });

  it('applies group → team mapping on every login: joins, ends what SSO set, keeps hand-set memberships, and the decision API sees it at once', async () => {
    const email = 'gina@corp.example';
    const app = (await t.api.post<{ id: string }>('/api/v1/resources', { type: 'application', externalId: 'sso-app', name: 'SSO app' }, admin)).body.id;
    expect((await t.api.request('PUT', `/api/v1/teams/${platformTeam}/permissions`, { token: admin, body: { grants: [{ resourceId: app, actions: ['deploy'] }] } })).status).toBe(200);
    const deploy = { action: 'deploy', resource: { type: 'application', id: app } };

    const first = await exchange((await ssoLogin(t, idp, target, MEMBER(email, ['engineering', 'platform', 'old']))).location);
    expect(await teamsOf(email, 'sso')).toEqual([engineeringTeam, platformTeam].sort());
    const userId = (await t.api.get<{ id: string }>('/api/v1/me', first.accessToken)).body.id;
    const added = (await events('team.member_added')).filter((p) => p.userId === userId);
    expect(added).toHaveLength(2);
    expect(added.every((p) => p.source === 'sso' && typeof p.connectionId === 'string')).toBe(true);
    // the ability is built and cached now, with the platform team's grant
    expect((await t.api.post<{ allowed: boolean }>('/api/v1/authz/check', deploy, first.accessToken)).body).toMatchObject({ allowed: true, reason: 'granted' });

    // an admin adds Ops by hand, and takes over the Engineering membership SSO set
    expect((await t.api.request('PUT', `/api/v1/teams/${opsTeam}/members/${userId}`, { token: admin, body: {} })).status).toBe(201);
    expect((await t.api.request('PUT', `/api/v1/teams/${engineeringTeam}/members/${userId}`, { token: admin, body: {} })).status).toBe(200);
    expect((await events('team.member_updated')).at(-1)).toMatchObject({ userId, source: 'manual', previousSource: 'sso' });
    const detail = await t.api.get<{ members: { userId: string; source: string }[] }>(`/api/v1/teams/${engineeringTeam}`, admin);
    expect(detail.body.members.find((m) => m.userId === userId)?.source).toBe('manual');

    // the IdP drops platform and adds ops: platform (set by SSO) ends; engineering and ops, hand-set, stay hand-set
    const second = await ssoLogin(t, idp, target, MEMBER(email, ['engineering', 'ops']));
    expect(second.status).toBe(303);
    expect(await teamsOf(email)).toEqual([engineeringTeam, opsTeam].sort());
    expect(await teamsOf(email, 'sso')).toEqual([]);
    expect((await events('team.member_removed')).filter((p) => p.userId === userId)).toEqual([expect.objectContaining({ source: 'sso' })]);
    // the old session's cached ability is rebuilt on its very next check
    expect((await t.api.post<{ allowed: boolean }>('/api/v1/authz/check', deploy, first.accessToken)).body).toMatchObject({ allowed: false });

    // back in platform: joined again, and the check says so right after the login
    await ssoLogin(t, idp, target, MEMBER(email, ['engineering', 'ops', 'platform']));
    expect(await teamsOf(email, 'sso')).toEqual([platformTeam]);
    expect((await t.api.post<{ allowed: boolean }>('/api/v1/authz/check', deploy, first.accessToken)).body).toMatchObject({ allowed: true });
  });

  it('takes 20 parallel logins of the same new user without a 500, one account and one membership per mapped team', async () => {
    const email = 'henry@corp.example';
    const responses = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const { requestId } = await startLogin(t, idp, target);
        return idp.mint(target.sp, target.acsUrl, target.entityId, { inResponseTo: requestId, ...MEMBER(email, ['engineering', 'platform']) });
      }),
    );
    const outcomes = await Promise.all(responses.map((samlResponse) => postAcs(t, target, samlResponse)));
    expect(outcomes.map((o) => o.status)).toEqual(outcomes.map(() => 303));
    expect(await t.env.scalar('select count(*) from users where email = $1', [email])).toBe(1);
    expect(await t.env.scalar("select count(*) from saml_identities where name_id = 'okta|henry@corp.example'")).toBe(1);
    expect(await teamsOf(email, 'sso')).toEqual([engineeringTeam, platformTeam].sort());
    const added = await t.env.scalar("select count(*) from events e join users u on u.id::text = e.payload->>'userId' where e.type = 'team.member_added' and u.email = $1", [email]);
    expect(added).toBe(2);
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
