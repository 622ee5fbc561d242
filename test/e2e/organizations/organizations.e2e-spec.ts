import { CommandBus } from '@nestjs/cqrs';
import { EntityManager } from '@mikro-orm/postgresql';
import { PasswordHasher } from '../../../src/infrastructure/security/password-hasher';
import { systemActor } from '../../../src/shared/actor';
import { CreateOrganizationCommand } from '../../../src/modules/organizations';
import { User } from '../../../src/modules/users/domain/user.entity';
import { SmtpSink } from '../../support/smtp-sink';
import { eventually, startTestApp, type TestApp } from '../../support/test-app';

describe('organizations', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let operatorToken: string;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await startTestApp({ overrides: { SMTP_URL: smtp.url } });
    operatorToken = await t.adminToken();
  });

  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  async function organizationWithAdmin(slug: string, email: string, password: string): Promise<string> {
    const passwordHash = await t.app.get(PasswordHasher).hash(password);
    await t.app.get(CommandBus).execute(new CreateOrganizationCommand(slug, slug, email, systemActor(), { adminPasswordHash: passwordHash }));
    return t.api.login(slug, email, password);
  }

  it('lets a platform operator create an organization whose first Administrator is invited', async () => {
    const created = await t.api.post<{ id: string; slug: string; adminUserId: string }>(
      '/api/v1/organizations',
      { name: 'Acme Corp', slug: 'acme', adminEmail: 'IT@Acme.example' },
      operatorToken,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ slug: 'acme', name: 'Acme Corp' });

    const sql = await t.env.sql();
    try {
      const users = await sql.query('select role, status, email_normalized from users where organization_id = $1', [created.body.id]);
      expect(users.rows).toEqual([{ role: 'Administrator', status: 'invited', email_normalized: 'it@acme.example' }]);
      const invitations = await sql.query('select status, token_hash from invitations where organization_id = $1', [created.body.id]);
      expect(invitations.rows).toEqual([{ status: 'pending', token_hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
      const events = await sql.query('select seq, type from events where organization_id = $1 order by seq', [created.body.id]);
      expect(events.rows.slice(0, 3)).toEqual([
        { seq: '1', type: 'organization.created' },
        { seq: '2', type: 'user.created' },
        { seq: '3', type: 'user.invited' },
      ]);
    } finally {
      await sql.end();
    }

    // the invitation arrives by mail, and its link makes the Administrator
    const mail = await eventually(async () => smtp.received.find((m) => m.envelopeTo.some((to) => /@acme\.example$/i.test(to))), 10_000, 'the invitation mail');
    const link = /http:\/\/gatehouse\.test\/invitations\/([A-Za-z0-9_-]+)/.exec(mail.text);
    expect(link).not.toBeNull();
    const token = link![1];
    const preview = await t.api.get<{ organization: { slug: string }; role: string }>(`/api/v1/invitations/accept/${token}`);
    expect(preview.body).toMatchObject({ organization: { slug: 'acme' }, role: 'Administrator' });
    const accepted = await t.api.post<{ accessToken: string }>('/api/v1/invitations/accept', { token, name: 'Acme IT', password: 'acme first admin password' });
    expect(accepted.status).toBe(200);
    const me = await t.api.get<{ organizationId: string; name: string; status: string }>('/api/v1/me', accepted.body.accessToken);
    expect(me.body).toMatchObject({ organizationId: created.body.id, name: 'Acme IT', status: 'active' });
    expect((await t.api.post('/api/v1/invitations/accept', { token, name: 'Again', password: 'acme first admin password' })).status).toBe(409);
    expect(await t.api.login('acme', 'it@acme.example', 'acme first admin password')).toEqual(expect.any(String));
  });

  it('refuses a taken slug with 409 naming the field, and a bad slug with 400', async () => {
    const taken = await t.api.post('/api/v1/organizations', { name: 'Again', slug: 'default', adminEmail: 'x@y.example' }, operatorToken);
    expect(taken.status).toBe(409);
    expect(taken.body.errors).toEqual([{ field: 'slug', message: 'is taken' }]);
    const bad = await t.api.post('/api/v1/organizations', { name: 'Bad', slug: 'Not A Slug', adminEmail: 'nope' }, operatorToken);
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['adminEmail', 'slug']);
  });

  it('keeps organization creation to platform operators', async () => {
    const token = await organizationWithAdmin('globex', 'admin@globex.example', 'globex admin password');
    const response = await t.api.post('/api/v1/organizations', { name: 'Sneaky', slug: 'sneaky', adminEmail: 'a@b.example' }, token);
    expect(response.status).toBe(403);
  });

  it('shows each organization only its own records', async () => {
    const initech = await organizationWithAdmin('initech', 'admin@initech.example', 'initech admin password');
    const own = await t.api.get<{ slug: string }>('/api/v1/organization', initech);
    expect(own.body.slug).toBe('initech');

    const operatorMe = await t.api.get<{ id: string }>('/api/v1/me', operatorToken);
    const seen = await eventually(async () => {
      const page = await t.api.get<{ items: { subject: { id: string } }[] }>('/api/v1/audit/events', initech);
      return page.body.items.length >= 3 ? page.body.items : undefined;
    }, 10_000, "initech's events");
    expect(seen.some((item) => item.subject.id === operatorMe.body.id)).toBe(false);
    const probe = await t.api.get<{ items: unknown[] }>(`/api/v1/audit/events?subject=${operatorMe.body.id}`, initech);
    expect(probe.body.items).toEqual([]);
  });

  it('fails closed: a query on tenant-owned records without an organization is refused', async () => {
    const em = t.app.get(EntityManager).fork();
    await expect(em.find(User, {})).rejects.toThrow(/filter/i);
  });
});
